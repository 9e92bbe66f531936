"""Soft limits and the labels' handling rules, per drug: what a clinician may pass with
an explicit override (issue 16, item 2, will ask for it), and what the labels say about
how a drug goes into the pump. The hard limits are drugs.DRUGS, which no one passes.

Loaded only by the commands that show or apply these (`drug`, `rx`, `refill`) and dropped
after them (app/lazy.py): the Pico's heap has no room to keep text or a second table
between commands. For bench rigs and teaching, never for a patient.

SOFT rows: (name, soft daily ng (0: none below the hard row), usual titration step as
% of the daily dose (0: none), usual titration step in ng/day (0: none), source of the
soft daily dose, source of the step). A step is passed when a daily dose rises by more
than the larger of the two (issue 16's staged review will consume this)."""
from micropython import const

MCG = const(1000)  # ng per microgram

# The case reports' largest step [S2: case 1 hydromorphone 400 -> 600 mcg/day, case 3
# morphine 0.4 -> 0.6 mg/day]: +50 %. A secondary drug rides on the primary's flow, so
# its dose moves by the primary's step.
_CASES = "case reports [S2]: largest step +50 % (400->600 mcg/d, 0.4->0.6 mg/d)"
_NONE = "none below the hard row: no usual range in the project's sources"

SOFT = (
    ("morphine", 0, 50, 0, _NONE, _CASES),
    ("hydromorphone", 0, 50, 0, _NONE, _CASES),
    ("fentanyl", 0, 50, 0, _NONE, _CASES),
    ("sufentanil", 0, 50, 0, _NONE, _CASES),
    ("baclofen", 800 * MCG, 30, 0,
     "Lioresal Intrathecal/Gablofen US labels: maintenance mostly 300-800 mcg/d (spinal"
     " origin); the hard row's 2000 is the top of the range observed",
     "same labels: maintenance increases of 10-30 % (spinal origin; 5-20 % cerebral)"),
    ("ziconotide", 0, 0, 2400,
     "none below the hard row: the Prialt label's 19.2 mcg/d is its maximum",
     "Prialt US label: up 2.4 mcg/d (0.1 mcg/h) at a time, at most 2-3 times a week"),
    ("bupivacaine", 0, 50, 0, _NONE, _CASES),
    ("ropivacaine", 0, 50, 0, _NONE, _CASES),
    ("clonidine", 0, 50, 0, _NONE, _CASES),
)
S_NAME = const(0)
S_DAILY = const(1)
S_STEP_PCT = const(2)
S_STEP_NG = const(3)
S_DAILY_SOURCE = const(4)
S_STEP_SOURCE = const(5)

# The only concentration a drug's first fill may have (a reservoir that did not hold the
# drug before): the Prialt label's SynchroMed instructions fill a pump new to ziconotide
# with undiluted Prialt 25 mcg/mL only (rinsed with it first), as the pump's surfaces take
# up the drug at first; a diluted or 100 mcg/mL fill comes at a refill.
FIRST_FILL = (("ziconotide", 25 * MCG,
               "Prialt US label (SynchroMed): first fill undiluted 25 mcg/mL only"),)


def soft(name):
    """The SOFT row of `name`, or None if it has none (drug_check checks every drug has)."""
    for row in SOFT:
        if row[S_NAME] == name:
            return row
    return None


def step_passed(name, old_ng_d, new_ng_d):
    """True if a daily dose going from old to new rises by more than the usual step."""
    row = soft(name)
    if row is None or new_ng_d <= old_ng_d:
        return False
    step = old_ng_d * row[S_STEP_PCT] // 100
    if row[S_STEP_NG] > step:
        step = row[S_STEP_NG]
    return new_ng_d - old_ng_d > step


def first_fill(name):
    """(ng/mL, source) that a first fill of `name` must have, or None if any may."""
    for n, conc, text in FIRST_FILL:
        if n == name:
            return conc, text
    return None


def first_fill_refusal(old_concs, new_concs):
    """(drug, ng/mL asked, ng/mL required) for the first drug of the new mix that the
    reservoir did not hold before and that comes at another strength or mixed with
    another drug (undiluted is alone), or None."""
    held = [n for n, _ in old_concs] if old_concs else []
    for name, conc in new_concs:
        rule = first_fill(name)
        if rule is not None and name not in held and (conc != rule[0] or len(new_concs) > 1):
            return name, conc, rule[0]
    return None
