"""Labels beside lines: a label is a few lines of text (each with its size and whether
it is italic) set as one block, and placed at the first of its candidate spots where it
meets nothing placed before it, so the layout is the same for the same picture.

Judges with the same text boxes as overlap.py (svg.extent). Never draws a line or a box
of its own."""
from pumpctl.pictures.svg import extent

LINE_GAP = 2  # px between one line's descenders and the next's capitals


def pitch(size):
    """From one line's top to the next's: the text's height as overlap.py counts it
    (1.3 x the size) and a gap."""
    return round(1.3 * size) + LINE_GAP


def block(lines, x, y, anchor, valign):
    """The lines of a label at (x, y) as [(x, baseline, text, size, italic)]: valign
    "top" puts them below y, "bottom" above it, "middle" around it."""
    height = sum(pitch(size) for _t, size, _i in lines) - LINE_GAP
    top = {"top": y, "bottom": y - height, "middle": y - height / 2}[valign]
    out = []
    for text, size, italic in lines:
        out.append((x, top + size, text, size, italic, anchor))
        top += pitch(size)
    return out


class Labels:
    """Places each label at the first of its candidate spots where it meets no node, no
    label placed before it and no edge of the picture (the boxes overlap.py will judge);
    where none is free, at the first, which the check then reports."""

    def __init__(self, canvas, nodes):
        self.canvas = canvas
        self.taken = [(n.x0, n.y0, n.x1, n.y1) for n in nodes]

    def _free(self, spot):
        for x, y, text, size, _italic, anchor in spot:
            x0, y0, x1, y1 = extent(x, y, text, size, anchor)
            if x0 < 2 or y0 < 2 or x1 > self.canvas.width - 2 or y1 > self.canvas.height - 2:
                return False
            for a0, b0, a1, b1 in self.taken:
                if x0 < a1 + 2 and a0 < x1 + 2 and y0 < b1 + 2 and b0 < y1 + 2:
                    return False
        return True

    def place(self, candidates, colour):
        spots = [block(*c) for c in candidates]
        chosen = next((spot for spot in spots if self._free(spot)), spots[0])
        for x, y, text, size, italic, anchor in chosen:
            self.taken.append(extent(x, y, text, size, anchor))
            self.canvas.text(x, y, text, size, anchor, italic=italic,
                             colour=colour if not italic else "#546e7a")


def beside(lines, x, y, nx, ny, gap=7):
    """A label's spot beside the point (x, y) of an edge, on the side (nx, ny) points to."""
    if abs(nx) > 0.3:
        return (lines, x + nx * gap, y + ny * gap, "start" if nx > 0 else "end",
                "middle" if abs(ny) < 0.3 else ("top" if ny > 0 else "bottom"))
    return (lines, x, y + (gap if ny > 0 else -gap), "middle", "top" if ny > 0 else "bottom")
