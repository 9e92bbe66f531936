"""Soft limits and the labels' handling rules, per drug: what a clinician may pass with
an explicit override (issue 16, item 2: `commit override`, console/cmd_review.py), and
what the labels say about how a drug goes into the pump. The hard limits are drugs.DRUGS, which no one passes.

Loaded only by the commands that apply them (`refill`: the first fill; `rx` with a staged
change and `commit`: pump/review.py) and dropped after them (app/lazy.py): the Pico's
heap has no room to keep a second table between commands. Not shown by `drug`: a line
per drug cost the board about 190 B of heap (tests/emu/test_heap.py), which it does not
have. For bench rigs and teaching, never for
a patient.

SOFT rows: (name, soft daily ng (0: none below the hard row), usual titration step as
% of the daily dose (0: none), usual titration step in ng/day (0: none)). A step is
passed when a daily dose rises by more than the larger of the two (pump/review.py holds
the basal's daily dose of each drug to it). Numbers only: every string a board loads stays in its heap
for good (MicroPython never frees an interned string), so the sources of these figures
are text in drug_sources.py, which the board never loads."""
from micropython import const

_MCG = const(1000)  # ng per microgram

# Sources: drug_sources.SOFT_SOURCES. The opioids' 50 % is the case reports' largest step
# [S2]; a secondary drug rides on the primary's flow, so it moves by the primary's step.
SOFT = (
    ("morphine", 0, 50, 0),
    ("hydromorphone", 0, 50, 0),
    ("fentanyl", 0, 50, 0),
    ("sufentanil", 0, 50, 0),
    ("baclofen", 800 * _MCG, 30, 0),
    ("ziconotide", 0, 0, 2400),
    ("bupivacaine", 0, 50, 0),
    ("ropivacaine", 0, 50, 0),
    ("clonidine", 0, 50, 0),
)
S_NAME = const(0)
S_DAILY = const(1)
S_STEP_PCT = const(2)
S_STEP_NG = const(3)

# The only concentration a drug's first fill may have (a reservoir that did not hold the
# drug before): the Prialt label's SynchroMed instructions fill a pump new to ziconotide
# with undiluted Prialt 25 mcg/mL only (rinsed with it first), as the pump's surfaces take
# up the drug at first; a diluted or 100 mcg/mL fill comes at a refill. Source text:
# drug_sources.FIRST_FILL_SOURCES.
FIRST_FILL = (("ziconotide", 25 * _MCG),)


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
    """The ng/mL a first fill of `name` must have, or None if any may."""
    for n, conc in FIRST_FILL:
        if n == name:
            return conc
    return None


def first_fill_refusal(old_concs, new_concs):
    """(drug, ng/mL asked, ng/mL required) for the first drug of the new mix that the
    reservoir did not hold before and that comes at another strength or mixed with
    another drug (undiluted is alone), or None."""
    held = [n for n, _ in old_concs] if old_concs else []
    for name, conc in new_concs:
        rule = first_fill(name)
        if rule is not None and name not in held and (conc != rule or len(new_concs) > 1):
            return name, conc, rule
    return None
