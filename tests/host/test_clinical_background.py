"""docs/clinical_background.md's drug table says what the firmware's drug table holds
(max concentration, max per 24 h, max patient bolus), and names every drug the firmware
knows: the page cannot drift from pump/drugs.py unseen."""
import os
import re
from fractions import Fraction
from pathlib import Path

from conftest import REPO
from pump import drugs as dt

PAGE = REPO / "docs" / "clinical_background.md"
THIS = Path(__file__).resolve()
NG = {"ng": 1, "ug": 1000, "mg": 1000_000}
QUANTITY = re.compile(r"^([\d.]+) (ng|ug|mg)(/mL)?$")


def ng(text):
    m = QUANTITY.match(text)
    assert m, text
    value = Fraction(m.group(1)) * NG[m.group(2)]
    assert value.denominator == 1, text
    return int(value)


def rows():
    table = {}
    for line in PAGE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and any(cells[0] == r[dt.F_NAME] for r in dt.DRUGS):
            table[cells[0]] = tuple(ng(c) for c in cells[3:])
    return table


def test_the_pages_drug_table_is_the_firmwares():
    expected = {r[dt.F_NAME]: (r[dt.F_MAX_CONC], r[dt.F_MAX_DAILY], r[dt.F_MAX_BOLUS])
                for r in dt.DRUGS}
    assert rows() == expected


def test_every_citation_of_the_old_domain_notes_points_at_the_page():
    """DOMAIN.md was cited but never in the repository (issue 18, item 9)."""
    skip = {".git", ".venv", "node_modules", "build", "__pycache__", ".hypothesis"}
    cited = []
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in skip and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.suffix not in (".py", ".md", ".pump", "") or path in (PAGE, THIS):
                continue
            try:
                text = path.read_text()
            except (UnicodeDecodeError, OSError):  # binary or unreadable: cites nothing
                continue
            if "DOMAIN.md" in text:
                cited.append(str(path.relative_to(REPO)))
    assert cited == []
