"""Where each limit of the drug table comes from, per drug: a published consensus, a
label, or "project-chosen" with the reasoning.

Text only, for people (docs, the console's drug info, tests); never imported on the
delivery path, so the board does not keep it in RAM. Every drug in drugs.DRUGS has exactly
one entry here, which drug_check.check_table() verifies. The soft limits' sources are
beside them in drug_soft.py; tests/host/test_drug_limits_doc.py holds this file, drugs.py
and docs/drug_limits.md to the same figures and claims."""

SOURCES = (
    (
        "morphine",
        "PACC 2012 (Deer et al., Neuromodulation 15:436-466) max conc 20 mg/mL, max dose"
        " 15 mg/d; bolus caps from PACC 2017 trial dose 0.1-0.5 mg; rest project-chosen."
        " A 25 mg/mL product (Infumorph) exists; the cap stays at PACC's 20, since"
        " granulomas rise with concentration",
    ),
    (
        "hydromorphone",
        "PACC 2012 (Deer et al., Neuromodulation 15:436-466) max conc 15 mg/mL, max dose"
        " 10 mg/d; bolus caps from PACC 2017 trial dose 25-100 mcg; rest project-chosen",
    ),
    (
        "fentanyl",
        "PACC 2012 max conc 10 mg/mL, no upper daily dose; project-chosen, conservative:"
        " max 750 mcg/d = 10x the upper PACC 2017 starting dose 75 mcg/d; trial dose to 75 mcg",
    ),
    (
        "sufentanil",
        "PACC 2012 max conc 5 mg/mL, no upper daily dose; project-chosen, conservative:"
        " max 200 mcg/d = 10x the upper PACC 2017 starting dose 20 mcg/d; trial dose to 20 mcg",
    ),
    (
        "baclofen",
        "Lioresal Intrathecal/Gablofen US labels: conc up to 2000 mcg/mL, maintenance up to"
        " ~2000 mcg/d, screening bolus 50-100 mcg; no patient boluses (project choice)",
    ),
    (
        "ziconotide",
        "Prialt (ziconotide) US label: max 19.2 mcg/d (0.8 mcg/h), slow titration, 100"
        " mcg/mL vial; rows 19.249 mcg/d and 0.849 mcg/h + 1 mcg: the label's figures to"
        " their 0.1 mcg, so its maximum is reachable; PACC 2012 max conc 100 mcg/mL;"
        " clinician bolus 1 mcg, the low end of PACC 2017's 1-5 mcg trial; no patient"
        " boluses",
    ),
    (
        "bupivacaine",
        "PACC 2012 (Deer et al., Neuromodulation 15:436-466) max conc 30 mg/mL, max dose"
        " 15-20 mg/d (lower end used); trial dose to 2.5 mg (PACC 2017); rest project-chosen",
    ),
    (
        "ropivacaine",
        "project-chosen, conservative: no consensus value; conc capped at the strongest"
        " commercial strength 10 mg/mL, doses no higher than bupivacaine's (ropivacaine is"
        " the less potent, so this is conservative)",
    ),
    (
        "clonidine",
        "PACC 2012 (Deer et al., Neuromodulation 15:436-466) max conc 1000 mcg/mL, max dose"
        " 600 mcg/d; trial dose 5-20 mcg (PACC 2017); rest project-chosen",
    ),
)


def source(name):
    """The source text for a drug, or None if the table has no such drug."""
    for n, text in SOURCES:
        if n == name:
            return text
    return None


# The soft limits' sources (the figures are in drug_soft.py, which the board loads):
# (name, source of the soft daily dose, source of the usual titration step).
_CASES = "case reports [S2]: largest step +50 % (400->600 mcg/d, 0.4->0.6 mg/d)"
_NONE = "none below the hard row: no usual range in the project's sources"
SOFT_SOURCES = (
    ("morphine", _NONE, _CASES),
    ("hydromorphone", _NONE, _CASES),
    ("fentanyl", _NONE, _CASES),
    ("sufentanil", _NONE, _CASES),
    ("baclofen",
     "Lioresal Intrathecal/Gablofen US labels: maintenance mostly 300-800 mcg/d (spinal"
     " origin); the hard row's 2000 is the top of the range observed",
     "same labels: maintenance increases of 10-30 % (spinal origin; 5-20 % cerebral)"),
    ("ziconotide", "none below the hard row: the Prialt label's 19.2 mcg/d is its maximum",
     "Prialt US label: up 2.4 mcg/d (0.1 mcg/h) at a time, at most 2-3 times a week"),
    ("bupivacaine", _NONE, _CASES),
    ("ropivacaine", _NONE, _CASES),
    ("clonidine", _NONE, _CASES),
)
FIRST_FILL_SOURCES = (
    ("ziconotide", "Prialt US label (SynchroMed): first fill undiluted 25 mcg/mL only, the"
     " reservoir rinsed with it first; not in the project's seeds, to be checked"),
)


def soft_source(name):
    """(soft daily source, step source) for a drug, or None."""
    for n, daily, step in SOFT_SOURCES:
        if n == name:
            return daily, step
    return None
