"""A terminal's screen, as far as the console tests need one: what is left to read after
the bytes a program wrote, cursor moves and erasures applied. Rows never wrap (the live
console turns autowrap off while it draws; the tests keep lines short)."""
import re


def screen(text):
    """The rows a terminal shows after `text`: "\\n" and "\\r" move the cursor; of the
    ANSI codes, cursor up, down, forward and back (A, B, C, D), erase the row (2K), to
    its end (K) and to the screen's end (J), the ones pumpctl and prompt_toolkit send,
    act; the others (colours, modes such as bracketed paste) are skipped."""
    rows, row, col = [""], 0, 0
    for code, char in re.findall(r"\x1b\[([?\d;]*[A-Za-z])|(.)", text, re.S):
        n = int(code[:-1]) if code[:-1].isdigit() else 1
        final = code[-1:]
        if final == "A":
            row = max(0, row - n)
        elif final == "B":
            row += n
            rows += [""] * (row + 1 - len(rows))
        elif final == "C":
            col += n
        elif final == "D":
            col = max(0, col - n)
        elif code == "2K":
            rows[row] = ""
        elif code in ("K", "0K"):
            rows[row] = rows[row][:col]
        elif code in ("J", "0J"):
            rows[row] = rows[row][:col]
            del rows[row + 1:]
        elif char == "\n":
            row, col = row + 1, 0
            rows += [""] * (row + 1 - len(rows))
        elif char == "\r":
            col = 0
        elif char:
            rows[row] = rows[row][:col].ljust(col) + char + rows[row][col + 1:]
            col += 1
    return "\n".join(rows)
