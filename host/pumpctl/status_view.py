"""`status` as `pumpctl console` shows it on a terminal: the reply's key=value pairs in
aligned columns, one group per line of the reply (its final OK line first, then each
data line under its words without "=" as a title), no line wider than the width asked (80
columns by default). The board's reply is one line of ~370 characters, which a terminal
wraps mid-word; `status raw` prints it as it came.

Pure text: never sends, never drops a pair. A value too long for a column gets a row of
its own, wrapped (at commas where it can be) under itself."""

WIDTH = 80
INDENT = 2  # before each pair, under its group's title
GAP = 3  # between two columns
KEY_GAP = 2  # between a key and its value


def groups(reply):
    """[(title, [(key, value), ...]), ...]: the final OK line's pairs as "status", then
    each data line's. Events are not part of the view (the console printed them)."""
    out = [("status", list(reply.fields.items()))]
    for line in reply.lines:
        words = line.split()
        title = " ".join(w for w in words if "=" not in w) or "-"
        out.append((title, [tuple(w.split("=", 1)) for w in words if "=" in w]))
    return out


def render(reply, width=WIDTH):
    """The lines of the view of a status Reply, each at most `width` columns."""
    lines = []
    for n, (title, pairs) in enumerate(groups(reply)):
        if n:  # the first is what `status` asked for: the prompt's line names it
            lines += _wrap(title, width)
        lines += _group(pairs, width)
    return lines


def _group(pairs, width):
    avail = max(1, width - INDENT)
    # A pair too wide to share a row would put every pair in one column: the widest
    # take rows of their own after the grid, until the rest fit two or more to a row
    # (or one pair is left, and fits the width).
    short, alone = list(range(len(pairs))), []
    while short and (_columns([pairs[i] for i in short], avail) < 2 and len(short) > 1
                     or _cell(pairs[short[0]]) > avail):
        widest = max(short, key=lambda i: _cell(pairs[i]))
        short.remove(widest)
        alone.append(widest)
    lines = [" " * INDENT + row for row in _grid([pairs[i] for i in short], avail)]
    for i in sorted(alone):  # in the reply's order
        lines += _long_pair(pairs[i][0], pairs[i][1], avail)
    return lines


def _cell(pair):
    key, value = pair
    return len(key) + KEY_GAP + len(value)


def _layout(pairs, avail):
    """(columns of `pairs`, each column's (key width, value width)): as many columns as
    fit in `avail`, filled down then across; one column where none fit."""
    for ncols in range(len(pairs), 0, -1):
        nrows = -(-len(pairs) // ncols)
        cols = [pairs[i:i + nrows] for i in range(0, len(pairs), nrows)]
        widths = [(max(len(k) for k, _ in c), max(len(v) for _, v in c)) for c in cols]
        total = sum(kw + KEY_GAP + vw for kw, vw in widths) + GAP * (len(cols) - 1)
        if total <= avail:
            return cols, widths
    return cols, widths


def _columns(pairs, avail):
    return len(_layout(pairs, avail)[0])


def _grid(pairs, avail):
    """The rows of `pairs` in columns, each column's keys and values aligned."""
    if not pairs:
        return []
    cols, widths = _layout(pairs, avail)
    rows = []
    for r in range(len(cols[0])):
        cells = []
        for c, (kw, vw) in zip(cols, widths):
            if r < len(c):
                key, value = c[r]
                cells.append("%-*s%s%-*s" % (kw, key, " " * KEY_GAP, vw, value))
        rows.append((" " * GAP).join(cells).rstrip())
    return rows


def _long_pair(key, value, avail):
    """A pair on rows of its own: the key, then its value cut into pieces that fit beside
    it (or on the rows below, further in, when the key leaves too little room)."""
    pad = " " * INDENT
    room = avail - len(key) - KEY_GAP
    if room >= 20:
        pieces = _pieces(value, room)
        first = pad + key + " " * KEY_GAP + pieces[0]
        under = pad + " " * (len(key) + KEY_GAP)
        return [first] + [under + p for p in pieces[1:]]
    lines = [pad + p for p in _pieces(key, avail)]
    return lines + [pad + "  " + p for p in _pieces(value, max(1, avail - 2))]


def _pieces(text, room):
    """`text` cut into pieces of at most `room` characters, each ending after a comma
    where one falls in the piece's second half."""
    pieces = []
    while len(text) > room:
        cut = text.rfind(",", room // 2, room)
        cut = room if cut < 0 else cut + 1
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + [text]


def _wrap(text, width):
    return _pieces(text, width) if text else [text]
