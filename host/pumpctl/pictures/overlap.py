"""Whether an SVG's text can be read: computed from the SVG's own geometry, not from a
renderer. Each <text> gets a box from its x, y (the baseline), font-size, text-anchor and
character count (svg.extent: svg.CHAR_WIDTH a character, BOLD_WIDTH bold, conservatively
wide; the line's height from above the capitals to below the descenders). Each
<rect data-node=...> is a node.

Finds: two texts whose boxes intersect; a text on a node that is not its own
(data-owner), or one sticking out of its own; a text outside the picture. A transform
anywhere is refused: the boxes would not be where the attributes say. Never changes the
file."""
import xml.etree.ElementTree as ET

from pumpctl.pictures.svg import extent

_NS = "{http://www.w3.org/2000/svg}"
GAP = 1.0  # px two boxes may not come closer than: touching reads as one word


class Box:
    def __init__(self, x0, y0, x1, y1, what, owner=None):
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        self.what = what
        self.owner = owner

    def meets(self, other, gap=0.0):
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap
                and self.y0 < other.y1 + gap and other.y0 < self.y1 + gap)

    def within(self, other):
        return (other.x0 <= self.x0 and self.x1 <= other.x1 and other.y0 <= self.y0
                and self.y1 <= other.y1)

    def inside(self, width, height):
        return self.x0 >= 0 and self.y0 >= 0 and self.x1 <= width and self.y1 <= height


def _num(element, name, default=None):
    raw = element.get(name)
    if raw is None:
        if default is None:
            raise ValueError("<%s> without %s" % (element.tag.replace(_NS, ""), name))
        return default
    return float(raw.replace("px", ""))


def text_box(element):
    text = "".join(element.itertext())
    size = _num(element, "font-size", 16.0)  # SVG's own default size
    x0, y0, x1, y1 = extent(_num(element, "x"), _num(element, "y"), text, size,
                            element.get("text-anchor", "start"),
                            element.get("font-weight") == "bold")
    return Box(x0, y0, x1, y1, repr(text), element.get("data-owner"))


def boxes(svg_text):
    """(width, height, [text Box], [node Box]) of an SVG document."""
    root = ET.fromstring(svg_text)
    texts, nodes = [], []
    for element in root.iter():
        if element.get("transform") is not None:
            raise ValueError("a transform on <%s>: its boxes cannot be read from its "
                             "attributes" % element.tag.replace(_NS, ""))
        tag = element.tag.replace(_NS, "")
        if tag == "text":
            texts.append(text_box(element))
        elif tag == "rect" and element.get("data-node") is not None:
            x, y = _num(element, "x"), _num(element, "y")
            w, h = _num(element, "width"), _num(element, "height")
            nodes.append(Box(x, y, x + w, y + h, "node " + element.get("data-node"),
                             element.get("data-node")))
    return _num(root, "width"), _num(root, "height"), texts, nodes


def problems(svg_text):
    """Every reason the picture's text may not be readable, as sentences; [] if none."""
    width, height, texts, nodes = boxes(svg_text)
    found = []
    for i, a in enumerate(texts):
        if not a.inside(width, height):
            found.append("text %s leaves the %gx%g picture" % (a.what, width, height))
        for b in texts[i + 1:]:
            if a.meets(b, GAP):
                found.append("text %s overlaps text %s" % (a.what, b.what))
        for node in nodes:
            if node.owner != a.owner and a.meets(node):
                found.append("text %s lies on %s" % (a.what, node.what))
            elif node.owner == a.owner and not a.within(node):
                found.append("text %s sticks out of its %s" % (a.what, node.what))
    return found
