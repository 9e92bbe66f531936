"""Soft limits per drug: what a clinician may pass at `commit override` (issue 16, item 2),
as opposed to the hard limits of drugs.DRUGS, which no one passes.

THIS FILE IS A STAND-IN, same names and row shape as pump/drug_soft.py on the `drugs`
branch, which owns the data and its sources (drug_sources.SOFT_SOURCES there): at the
merge, take that branch's file whole. The review (pump/review.py) uses only SOFT's shape,
soft() and step_passed().

Loaded only by the commands of the review and dropped after them (app/lazy.py): the
Pico's heap has no room for a second table between commands. Numbers only: every string a
board loads stays in its heap for good.

SOFT rows: (name, soft daily ng (0: none below the hard row), usual titration step as %
of the daily dose (0: none), usual titration step in ng/day (0: none)). A step is passed
when a daily dose rises by more than the larger of the two.

Sources (docs/drug_limits.md; the `drugs` branch cites each in drug_sources.py):
- opioids, local anaesthetics, clonidine: no usual step in the project's sources other
  than the case reports [S2] (docs/clinical_background.md, cases 1 and 3): 400 -> 600
  mcg/day and 0.4 -> 0.6 mg/day, +50 %, the largest step they take; so +50 %. (A "10-30 %
  a day" figure for opioids is in none of the project's sources; it is not used.)
- baclofen: Lioresal Intrathecal / Gablofen labels, maintenance mostly 300-800 mcg/day
  (spinal origin; the hard row's 2000 is the top observed), increases of 10-30 %.
- ziconotide: Prialt label, up at most 2.4 mcg/day at a time; its 19.2 mcg/day maximum
  is the hard row."""
from micropython import const

_MCG = const(1000)  # ng per microgram

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


def soft(name):
    """The SOFT row of `name`, or None if it has none."""
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
