"""The pump's state diagram as SVG, drawn from the firmware's own table
(firmware/pump/states.py): every state and every row, nothing else. Edges carry what a
person types at the console, or the event line the console prints, never the table's
internal trigger names; WORDS says which is which, and a trigger or a state the table
gains without words or a place here is refused (StateLayoutError), so the picture cannot
quietly fall behind the firmware.

Layout is fixed (PLACES), so the same table gives the same bytes. Rows that keep the
state are written inside the state's box (UML's internal transitions); a trigger that
leaves many states for one (fault -> alarm) is drawn once, from a frame around them."""
from math import hypot

from pump.states import INITIAL, STATES, TRANSITIONS
from pumpctl.pictures.labels import Labels, beside, pitch
from pumpctl.pictures.svg import Canvas, text_width


class StateLayoutError(ValueError):
    pass


COMMAND, EVENT = "command", "event"
# trigger -> (what the console shows, COMMAND typed or EVENT printed by the pump)
WORDS = {
    "program": ("drug / basal / ptm", COMMAND),  # whichever completes the prescription
    "refill": ("refill", COMMAND),
    "confirm": ("confirm", COMMAND),
    "cancel": ("any other line", COMMAND),  # a line other than confirm cancels a refill
    "prime": ("prime", COMMAND),
    "prime_done": ("! primed", EVENT),
    "start": ("start", COMMAND),
    "stop": ("stop", COMMAND),
    "suspend": ("suspend", COMMAND),
    "resume": ("resume", COMMAND),
    "bolus": ("bolus / button", COMMAND),
    "bolus_done": ("! bolus-done", EVENT),
    "bolus_cut": ("! alarm (limit)", EVENT),
    "fault": ("! alarm (stop)", EVENT),
    "clear": ("ack <alarm>", COMMAND),
    "decommission": ("decommission confirm", COMMAND),
}
# guard -> when it allows, in a person's words (pump/permits.py has the whole rule)
GUARD_WORDS = {
    "prime_allowed": "if the line has room",
    "start_allowed": "if filled and primed",
    "bolus_allowed": "if within limits",
    "alarms_clear": "if no stop alarm is left",
}
# state -> (column, row) of its box
PLACES = {
    "unprogrammed": (0, 0), "alarm": (2, 0),
    "refilling": (0, 1), "stopped": (1, 1), "priming": (2, 1),
    "suspended": (0, 2), "running": (1, 2), "bolusing": (2, 2),
}
WIDTH = 800
COLUMN_X = (106, 400, 694)
ROW_Y = (62, 235, 405)
NAME_SIZE, NOTE_SIZE, LABEL_SIZE, GUARD_SIZE = 13, 10, 11, 10
PAIR_OFFSET = 5  # px each edge of a two-way pair sits off the line between the centres
FRAME_PAD = 16
# A trigger into one state from this many is drawn once, from a frame around them (fault:
# six); fewer (stop: four, into the hub) are drawn each.
GROUP_MIN = 5
INK, EVENT_INK, FRAME_INK = "#333333", "#7b1fa2", "#9e9e9e"
LEGEND = (
    "solid: a command typed at the console (bolus: also the patient's button).",
    "dashed: the pump's own event, as the console prints it; (stop), (limit): the "
    "effect of the alarm.",
    "italic: the guard the state table asks first.  stays: commands that keep the state.",
    "bold box: the state at first boot.",
)
FILLS = {"alarm": "#ffebee", "unprogrammed": "#f5f5f5"}


def words(trigger):
    try:
        return WORDS[trigger]
    except KeyError:
        raise StateLayoutError("the state table's trigger %r has no console words in "
                               "pumpctl/pictures/state_svg.py WORDS" % trigger) from None


def label_lines(rows):
    """[(text, size, italic)] for the rows of one edge: each trigger's words, and its
    guard's under it."""
    lines = []
    for trigger, _source, _dest, guard in rows:
        lines.append((words(trigger)[0], LABEL_SIZE, False))
        if guard is not None:
            lines.append((GUARD_WORDS.get(guard, "if " + guard), GUARD_SIZE, True))
    return lines


class Node:
    def __init__(self, state, stays):
        if state not in PLACES:
            raise StateLayoutError("state %r has no place in pumpctl/pictures/state_svg.py "
                                   "PLACES" % state)
        column, row = PLACES[state]
        self.state = state
        self.notes = _wrap(["stays:"] + [words(t)[0] for t in stays], 20) if stays else []
        widest = max([text_width(state, NAME_SIZE, bold=True)]
                     + [text_width(n, NOTE_SIZE) for n in self.notes])
        self.w = max(118, widest + 20)
        self.h = 30 + len(self.notes) * pitch(NOTE_SIZE)
        self.cx, self.cy = COLUMN_X[column], ROW_Y[row]
        self.x0, self.y0 = self.cx - self.w / 2, self.cy - self.h / 2
        self.x1, self.y1 = self.x0 + self.w, self.y0 + self.h

    def draw(self, canvas):
        canvas.rect(self.x0, self.y0, self.w, self.h, fill=FILLS.get(self.state, "#e3f2fd"),
                    node=self.state, width=2.2 if self.state == INITIAL else 1.2)
        y = self.y0 + 19
        canvas.text(self.cx, y, self.state, NAME_SIZE, "middle", "bold", owner=self.state,
                    halo=False)
        for note in self.notes:
            y += pitch(NOTE_SIZE)
            canvas.text(self.cx, y, note, NOTE_SIZE, "middle", colour="#455a64",
                        owner=self.state, halo=False)


def _wrap(parts, limit):
    """"stays:" then the parts joined by ", ", in lines of at most `limit` characters
    (a part longer than that on a line of its own)."""
    lines, line = [], parts[0]
    for i, part in enumerate(parts[1:]):
        piece = part + ("," if i < len(parts) - 2 else "")
        if len(line) + len(piece) + 1 > limit:
            lines.append(line.rstrip())
            line = ""
        line += ("" if not line or line.endswith(" ") else " ") + piece
    lines.append(line)
    return lines


def _clip(node, x, y, dx, dy):
    """Where a ray from (x, y) inside node, direction (dx, dy), leaves its box."""
    ts = []
    if dx:
        ts += [((node.x1 if dx > 0 else node.x0) - x) / dx]
    if dy:
        ts += [((node.y1 if dy > 0 else node.y0) - y) / dy]
    t = min(t for t in ts if t >= 0)
    return x + dx * t, y + dy * t


def _meets(node, a, b, pad=4):
    """Whether segment a-b passes through node's box (grown by pad): sampled finely."""
    for i in range(101):
        x = a[0] + (b[0] - a[0]) * i / 100
        y = a[1] + (b[1] - a[1]) * i / 100
        if node.x0 - pad < x < node.x1 + pad and node.y0 - pad < y < node.y1 + pad:
            return True
    return False


def _straight(canvas, labels, a, b, lines, paired, kind, others):
    dx, dy = b.cx - a.cx, b.cy - a.cy
    length = hypot(dx, dy)
    ux, uy = dx / length, dy / length
    nx, ny = -uy, ux  # the edge's own right-hand side: a pair's two edges use opposite ones
    off = PAIR_OFFSET if paired else 0
    sx, sy = _clip(a, a.cx + nx * off, a.cy + ny * off, ux, uy)
    ex, ey = _clip(b, b.cx + nx * off, b.cy + ny * off, -ux, -uy)
    colour = EVENT_INK if kind == EVENT else INK
    if any(_meets(n, (sx, sy), (ex, ey)) for n in others):
        return _detour(canvas, labels, a, b, lines, colour, kind)
    canvas.line([(sx, sy), (ex, ey)], colour, dash="5 3" if kind == EVENT else None)
    # A pair's label keeps to its own edge's side, so it is read with the right arrow.
    sides = (1,) if paired else (1, -1)
    spots = []
    for t in (0.5, 0.38, 0.62, 0.28, 0.72):
        for side in sides:
            spots.append(beside(lines, sx + (ex - sx) * t, sy + (ey - sy) * t,
                                 nx * side, ny * side))
    labels.place(spots, colour)


def _detour(canvas, labels, a, b, lines, colour, kind):
    """Under every box: down from a, across, up into b; the label under the crossing."""
    y = max(ROW_Y) + 62
    points = [(a.cx - 20, a.y1), (a.cx - 20, y), (b.cx + 20, y), (b.cx + 20, b.y1)]
    canvas.line(points, colour, dash="5 3" if kind == EVENT else None)
    labels.place([(lines, (a.cx + b.cx) / 2, y + 5, "middle", "top")], colour)


def _frame(canvas, labels, members, dest, rows, nodes):
    x0 = min(n.x0 for n in members) - FRAME_PAD
    y0 = min(n.y0 for n in members) - FRAME_PAD
    x1 = max(n.x1 for n in members) + FRAME_PAD
    y1 = max(n.y1 for n in members) + FRAME_PAD
    for n in nodes:
        inside = x0 < n.cx < x1 and y0 < n.cy < y1
        if inside != (n in members):
            raise StateLayoutError("the frame for %r cannot hold exactly its sources: "
                                   "move %r in PLACES" % (rows[0][0], n.state))
    canvas.rect(x0, y0, x1 - x0, y1 - y0, fill="none", stroke=FRAME_INK, dash="6 4", rx=12)
    if not (x0 < dest.cx < x1 and dest.y1 < y0):
        raise StateLayoutError("the frame's edge is drawn up into %r: place it above the "
                               "frame" % dest.state)
    kind = words(rows[0][0])[1]
    colour = EVENT_INK if kind == EVENT else INK
    canvas.line([(dest.cx, y0), (dest.cx, dest.y1)], colour,
                dash="5 3" if kind == EVENT else None)
    lines = label_lines(rows[:1]) + [("from every state in the frame", GUARD_SIZE, True)]
    mid = (y0 + dest.y1) / 2
    labels.place([(lines, dest.cx - 8, mid, "end", "middle"),
                  (lines, dest.cx + 8, mid, "start", "middle")], colour)


def split(table=TRANSITIONS):
    """(rows keeping their state by state, framed groups {(trigger, dest): rows},
    edges {(source, dest): rows}), each in table order."""
    stays, groups, edges = {}, {}, {}
    count = {}
    for row in table:
        if row[1] != row[2]:
            count[(row[0], row[2])] = count.get((row[0], row[2]), 0) + 1
    for row in table:
        trigger, source, dest, _guard = row
        if source == dest:
            stays.setdefault(source, []).append(trigger)
        elif count[(trigger, dest)] >= GROUP_MIN:
            groups.setdefault((trigger, dest), []).append(row)
        else:
            edges.setdefault((source, dest), []).append(row)
    return stays, groups, edges


def render(table=TRANSITIONS, states=STATES):
    places = [PLACES.get(s) for s in states if s in PLACES]
    for state in states:
        if state in PLACES and places.count(PLACES[state]) > 1:
            raise StateLayoutError("state %r shares its place %r in PLACES" % (
                state, PLACES[state]))
    stays, groups, edges = split(table)
    nodes = {s: Node(s, stays.get(s, [])) for s in states}
    height = max(ROW_Y) + 62 + 40 + 76
    canvas = Canvas(WIDTH, height, "Pump states (firmware/pump/states.py)")
    labels = Labels(canvas, nodes.values())
    for (trigger, dest), rows in groups.items():
        _frame(canvas, labels, [nodes[r[1]] for r in rows], nodes[dest], rows,
               nodes.values())
    for (source, dest), rows in edges.items():
        kinds = {words(r[0])[1] for r in rows}
        kind = COMMAND if COMMAND in kinds else EVENT
        others = [n for s, n in nodes.items() if s not in (source, dest)]
        _straight(canvas, labels, nodes[source], nodes[dest], label_lines(rows),
                  (dest, source) in edges, kind, others)
    for node in nodes.values():
        node.draw(canvas)
    y = height - 60
    for line in LEGEND:
        canvas.text(12, y, line, 10, colour="#455a64", halo=False)
        y += pitch(10)
    return canvas.render()
