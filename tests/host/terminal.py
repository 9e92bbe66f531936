"""A terminal's screen, as far as the PIN tests need one: what is left to read after the
bytes a program wrote, cursor moves and erasures applied."""
import re


def screen(text):
    """The rows a terminal shows after `text`: "\\n" and "\\r" move the cursor; of the
    ANSI codes, cursor up (A) and erase the row (2K), the ones pumpctl sends, act and
    the others (readline's bracketed paste mode) are skipped."""
    rows, row, col = [""], 0, 0
    for code, char in re.findall(r"\x1b\[([?\d;]*[A-Za-z])|(.)", text, re.S):
        if code[-1:] == "A":
            row = max(0, row - int(code[:-1] or 1))
        elif code == "2K":
            rows[row] = ""
        elif char == "\n":
            row, col = row + 1, 0
            rows += [""] * (row + 1 - len(rows))
        elif char == "\r":
            col = 0
        elif char:
            rows[row] = rows[row][:col].ljust(col) + char + rows[row][col + 1:]
            col += 1
    return "\n".join(rows)
