"""docs/drug_limits.md, firmware/pump/drugs.py, drug_sources.py and drug_soft.py say the
same thing: the page's table is the firmware's rows, each row's Source cell quotes the
same figures as drug_sources.py (and the same potency claim: it once said ropivacaine was
"more potent" where the page said less), and the page's soft-limit table is
drug_soft.py's (issue 16, item 10)."""
import re
from fractions import Fraction

from conftest import REPO
from pump import drug_soft as ds
from pump import drugs as dt
from pump.drug_sources import source

PAGE = REPO / "docs" / "drug_limits.md"
NG = {"ng": 1, "mcg": 1000, "ug": 1000, "mg": 1000_000}
AMOUNT = re.compile(r"^([\d.]+) (ng|mcg|mg)(/mL)?$")
# A figure with its unit, or a range of them ("0.1-0.5 mg"), and what it is per.
QUOTED = re.compile(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))? ?(ng|mcg|ug|mg)(/mL|/day|/d|/h)?\b")
PER = {"/day": "/d"}


def ng(text):
    m = AMOUNT.match(text)
    assert m, text
    value = Fraction(m.group(1)) * NG[m.group(2)]
    assert value.denominator == 1, text
    return int(value)


def tables():
    """The page's drug tables as {second header cell: {drug: cells}}."""
    out = {}
    head = None
    for line in PAGE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            head = None
        elif head is None:
            head = cells[1] if len(cells) > 1 else cells[0]
            out[head] = {}
        elif cells[0] in [r[dt.F_NAME] for r in dt.DRUGS]:
            out[head][cells[0]] = cells
    return out


def quoted(text):
    """Every figure a text quotes, as (ng, per), ranges as both ends."""
    found = set()
    for m in QUOTED.finditer(text):
        per = PER.get(m.group(4), m.group(4) or "")
        for number in (m.group(1), m.group(2)):
            if number is not None:
                found.add((Fraction(number) * NG[m.group(3)], per))
    return found


def lockout_ms(text):
    m = re.match(r"^(\d+) h( \(unused\))?$", text)
    assert m, text
    return int(m.group(1)) * dt.HOUR_MS


def test_the_pages_table_is_the_firmwares_table():
    rows = tables()["Max conc."]
    assert set(rows) == {r[dt.F_NAME] for r in dt.DRUGS}
    for r in dt.DRUGS:
        c = rows[r[dt.F_NAME]]
        bolus = 0 if c[4] == "none (0)" else ng(c[4])
        got = (ng(c[1]), ng(c[2]), ng(c[3]), bolus, int(c[5]), lockout_ms(c[6]), ng(c[7]))
        want = (r[dt.F_MAX_CONC], r[dt.F_MAX_DAILY], r[dt.F_MAX_HOURLY], r[dt.F_MAX_BOLUS],
                r[dt.F_MAX_BOLUSES_PER_DAY], r[dt.F_MIN_LOCKOUT], r[dt.F_MAX_CLINICIAN_BOLUS])
        assert got == want, r[dt.F_NAME]


def test_each_rows_source_quotes_the_same_figures_and_claims_as_drug_sources():
    rows = tables()["Max conc."]
    for r in dt.DRUGS:
        name = r[dt.F_NAME]
        page, code = rows[name][8], source(name)
        assert quoted(page) == quoted(code), (name, quoted(page) ^ quoted(code))
        for claim in ("more potent", "less potent"):
            assert (claim in page) == (claim in code), (name, claim)


def test_a_figure_missing_from_one_side_is_seen():
    assert quoted("15 mg/day, 0.1-0.5 mg") == quoted("15 mg/d; 0.1-0.5 mg")
    assert quoted("15 mg/day") != quoted("15 mg/h")
    assert quoted("25 mg/mL") != quoted("20 mg/mL")


def test_the_pages_soft_limits_are_drug_soft():
    soft = tables()["Soft daily dose"]
    assert set(soft) == {r[ds.S_NAME] for r in ds.SOFT}
    for r in ds.SOFT:
        c = soft[r[ds.S_NAME]]
        assert (0 if c[1] == "none" else ng(c[1])) == r[ds.S_DAILY], c
        if c[2].endswith(" %"):
            assert (int(c[2][:-2]), 0) == (r[ds.S_STEP_PCT], r[ds.S_STEP_NG]), c
        else:
            assert (0, ng(c[2])) == (r[ds.S_STEP_PCT], r[ds.S_STEP_NG]), c
