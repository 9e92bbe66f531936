"""Words for every error code, with the numbers the logic raised beside them.

The only place codes become text (STYLE habit 6): the logic raises PumpError(code,
*values); the console prints `ERR <code> <text(code, values)>`. The words are in
message_text.py, loaded only when a reply needs them and dropped after it (app/lazy.py);
this part stays resident, small, because the control loop imports it. Never raises: if
the words cannot be loaded (no memory for them), the code and its values are printed,
as for a code with no entry."""


def _entry(code):
    try:
        from console.message_text import entry
        return entry(code)
    except Exception:  # MemoryError (or the file missing): the numbers still go out
        return None


def _shape(code, values):
    try:
        from console.message_text import shape
        return shape(code, values)
    except Exception:  # as above: the numbers as raised
        return values


def text(code, values):
    """`ERR` text for a code and its values; never raises."""
    row = _entry(code)
    if row is None:
        return "error %d %s" % (code, " ".join(str(v) for v in values))
    template = row[2]
    values = _shape(code, values)
    try:
        return template % tuple(values)
    except TypeError:  # values did not match the template: show them all, lose nothing
        return "%s: %s" % (row[1], " ".join(str(v) for v in values))


def name(code):
    row = _entry(code)
    return row[1] if row is not None else "error"
