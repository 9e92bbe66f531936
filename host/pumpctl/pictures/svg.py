"""A small SVG writer: boxes, lines with arrowheads and text, written in the order they
are drawn, numbers rounded to 0.1 px, so the same calls give the same bytes.

Text is never transformed or rotated: overlap.py reads each <text>'s box back from its
x, y, size and anchor alone. Text that belongs to a box (a state's name inside its
node) carries data-owner=<that box's data-node>, so the check lets it sit there."""
from xml.sax.saxutils import escape, quoteattr

FONT = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif"
# Width of one character as a fraction of the font size, bold a little wider: every line
# these pictures hold, measured in DejaVu Sans (a wide sans-serif), averages under it
# (tests/host/test_pictures.py measures them; a line of capitals or of m and w would
# not, and the test would say so). Layout sizes boxes with it; overlap.py judges with it.
CHAR_WIDTH = 0.72
BOLD_WIDTH = 0.80


ASCENT = 1.0  # of the font size, above the baseline (accents and capitals fit under it)
DESCENT = 0.3  # below it (g, p, y)


def text_width(text, size, bold=False):
    return len(text) * size * (BOLD_WIDTH if bold else CHAR_WIDTH)


def extent(x, y, text, size, anchor="start", bold=False):
    """(x0, y0, x1, y1): the box a line of text may cover, its baseline at y."""
    width = text_width(text, size, bold)
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return x0, y - ASCENT * size, x0 + width, y + DESCENT * size


def _n(value):
    """A coordinate as short, stable text."""
    value = round(value, 1)
    return ("%d" % value) if value == int(value) else ("%.1f" % value)


class Canvas:
    def __init__(self, width, height, title):
        self.width = width
        self.height = height
        self.title = title
        self._items = []
        self._top = []  # labels, drawn last

    def rect(self, x, y, w, h, fill="#ffffff", stroke="#333333", node=None, rx=6,
             dash=None, width=1.2):
        attrs = 'x="%s" y="%s" width="%s" height="%s" rx="%s" fill="%s" stroke="%s" ' \
                'stroke-width="%s"' % (_n(x), _n(y), _n(w), _n(h), _n(rx), fill, stroke,
                                       _n(width))
        if dash:
            attrs += ' stroke-dasharray="%s"' % dash
        if node is not None:
            attrs += " data-node=%s" % quoteattr(node)
        self._items.append("<rect %s/>" % attrs)

    def line(self, points, colour="#333333", arrow=True, dash=None, width=1.3):
        """A polyline through points [(x, y), ...]; an arrowhead at the last one."""
        attrs = 'points="%s" fill="none" stroke="%s" stroke-width="%s"' % (
            " ".join("%s,%s" % (_n(x), _n(y)) for x, y in points), colour, _n(width))
        if dash:
            attrs += ' stroke-dasharray="%s"' % dash
        if arrow:
            attrs += ' marker-end="url(#arrow)"'
        self._items.append("<polyline %s/>" % attrs)

    def text(self, x, y, text, size=11, anchor="start", weight=None, colour="#111111",
             owner=None, italic=False, halo=True, mono=False):
        """One line of text, its baseline at y. halo: on a white box the size of its
        estimated extent (overlap.py's), drawn above every line and box, so a line
        passing under it never crosses the letters. A box, not a white stroke under the
        glyphs (paint-order): some renderers ignore paint-order and paint the text white."""
        attrs = 'x="%s" y="%s" font-size="%s" text-anchor="%s" fill="%s"' % (
            _n(x), _n(y), _n(size), anchor, colour)
        if mono:
            attrs += ' font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"'
        if weight:
            attrs += ' font-weight="%s"' % weight
        if italic:
            attrs += ' font-style="italic"'
        if owner is not None:
            attrs += " data-owner=%s" % quoteattr(owner)
        element = "<text %s>%s</text>" % (attrs, escape(text))
        if not halo:
            self._items.append(element)
            return
        x0, _y0, x1, _y1 = extent(x, y, text, size, anchor, weight == "bold")
        self._top.append('<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff" '
                         'fill-opacity="0.9"/>' % (_n(x0 - 1), _n(y - 0.95 * size),
                                                   _n(x1 - x0 + 2), _n(1.2 * size)))
        self._top.append(element)

    def render(self):
        head = ('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" '
                'viewBox="0 0 %s %s" font-family="%s">' % (
                    _n(self.width), _n(self.height), _n(self.width), _n(self.height), FONT))
        defs = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
                'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                '<path d="M0,0 L10,5 L0,10 z" fill="#333333"/></marker></defs>')
        parts = [head, "<title>%s</title>" % escape(self.title), defs,
                 '<rect width="100%" height="100%" fill="#ffffff"/>']
        return "\n".join(parts + self._items + self._top + ["</svg>"]) + "\n"
