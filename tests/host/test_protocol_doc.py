"""docs/protocol.md's table of error codes is the console's own (console/message_text.py):
every code, its short name and its words, and no row the firmware does not have."""
from pathlib import Path

from console.message_text import MESSAGES

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def doc_rows():
    text = DOC.read_text()
    table = text[text.index("## Error codes"):]
    table = table[:table.index("\n## ", 1)]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].isdigit():
            rows[int(cells[0])] = (cells[1], "|".join(cells[2:]))
    return rows


def test_every_error_code_is_in_the_protocol_doc_with_its_words():
    rows = doc_rows()
    for code, short, template in MESSAGES:
        assert code in rows, code
        assert rows[code] == (short, template.replace("%%", "%")), (code, rows[code])


def test_the_protocol_doc_lists_no_code_the_firmware_lacks():
    codes = {m[0] for m in MESSAGES}
    assert set(doc_rows()) <= codes
