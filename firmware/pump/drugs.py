"""The drug table: hard limits, per drug, that every prescription is checked against.

One row per drug the pump knows. A drug that is not in the table is refused
(PumpError E_UNKNOWN_DRUG): there is no default row and no "other" drug. The limits are
hard: no prescription, refill, bolus, clinician command or fault recovery may make the
pump exceed them, whatever the prescription says. A prescription is usually far below
them; they are the outer fence, not a dosing guide.

Why the table exists (hazard): catheter-tip granulomas (inflammatory masses) relate to
high intrathecal doses and concentrations, so the maximum concentration and daily dose
come from published consensus (PACC) or the drug's label where one exists. Overdose
from a wrong concentration or volume entered at refill is a known failure of real
pumps, and respiratory depression rises with intrathecal opioid dose: a concentration
or dose above the row is refused rather than trusted.

Units are base units, integers only: ng (mass), ng/mL (concentration), ms (time).
Fields, in order (index constants F_* below):
    name                    lowercase ascii; callers lowercase user input
    max_conc_ng_ml          highest reservoir concentration
    max_daily_ng            most in any 24 h (basal + all boluses)
    max_hourly_ng           most in any rolling hour (basal + all boluses)
    max_bolus_ng            largest patient (myPTM) bolus; 0: patient boluses refused
    max_boluses_per_day     largest "max per 24 h" a prescription may set
    min_lockout_ms          shortest patient-bolus lockout a prescription may set
    max_clinician_bolus_ng  largest one-off clinician bolus (e.g. an intrathecal trial)
Where each limit comes from is noted per drug in drug_sources.py (kept apart so the
board does not hold the text in RAM while delivering); how the project-chosen values are
derived is in docs/drug_limits.md and, in short, beside each row. The soft limits (a
usual daily dose and titration step, which a clinician may pass with an override) and
the labels' handling rules are in drug_soft.py, loaded only by the command that applies
them. For bench rigs and teaching, never for a patient."""
from micropython import const
from pump.errors import E_UNKNOWN_DRUG, PumpError
from pump.schedule import DAY_MS, HOUR_MS  # noqa: F401 (DAY_MS: drug_check and tests)

# Field indices: callers read row[F_MAX_DAILY], never a bare number.
F_NAME = const(0)
F_MAX_CONC = const(1)
F_MAX_DAILY = const(2)
F_MAX_HOURLY = const(3)
F_MAX_BOLUS = const(4)
F_MAX_BOLUSES_PER_DAY = const(5)
F_MIN_LOCKOUT = const(6)
F_MAX_CLINICIAN_BOLUS = const(7)
N_FIELDS = const(8)


MCG = const(1000)  # ng per microgram
MG = const(1000000)  # ng per milligram

# Project-chosen derivations (docs/drug_limits.md explains them):
#   max_clinician_bolus = upper end of the PACC 2017 intrathecal bolus trial dose range
#                         (baclofen: the label's largest screening bolus)
#   max_bolus (patient) = half of that: the patient presses with no clinician present
#   max_boluses_per_day = min(24, max_daily // max_bolus)
#   max_hourly          = max(max_bolus, max_clinician_bolus) + max_daily // 8
#                         (the largest bolus plus a basal step at 3x the average rate);
#                         ziconotide: its label's top rate plus its clinician bolus
#   min_lockout         = 1 h for every drug (IT opioids peak late; short lockouts stack)
DRUGS = (
    (
        "morphine",
        20 * MG,
        15 * MG,
        500 * MCG + 15 * MG // 8,
        250 * MCG,
        24,
        HOUR_MS,
        500 * MCG,
    ),
    (
        "hydromorphone",
        15 * MG,
        10 * MG,
        100 * MCG + 10 * MG // 8,
        50 * MCG,
        24,
        HOUR_MS,
        100 * MCG,
    ),
    (
        "fentanyl",
        10 * MG,
        750 * MCG,
        75 * MCG + 750 * MCG // 8,
        37500,  # 37.5 mcg
        20,
        HOUR_MS,
        75 * MCG,
    ),
    (
        "sufentanil",
        5 * MG,
        200 * MCG,
        20 * MCG + 200 * MCG // 8,
        10 * MCG,
        20,
        HOUR_MS,
        20 * MCG,
    ),
    (
        "baclofen",
        2000 * MCG,
        2000 * MCG,
        100 * MCG + 2000 * MCG // 8,
        0,  # patient boluses refused: not part of the labelled use
        0,
        HOUR_MS,
        100 * MCG,
    ),
    (
        # The label's 19.2 mcg/day and 0.8 mcg/h, each to the 0.1 mcg it is written in
        # (the most that still reads 19.2 and 0.8): a prescription at the label's own
        # maximum leaves the motor its last step (< 1 step, 35 ng at 25 ug/mL on the 60 mL
        # rig) inside the row. The hour: that top rate plus one clinician bolus, the low
        # end of the trial range, as it lands on a running infusion (docs/drug_limits.md).
        "ziconotide",
        100 * MCG,
        19249,
        849 + 1 * MCG,
        0,  # patient boluses refused: the label warns against rapid titration
        0,
        HOUR_MS,
        1 * MCG,
    ),
    (
        "bupivacaine",
        30 * MG,
        15 * MG,
        2500 * MCG + 15 * MG // 8,
        1250 * MCG,
        12,
        HOUR_MS,
        2500 * MCG,
    ),
    (
        "ropivacaine",
        10 * MG,
        15 * MG,
        2500 * MCG + 15 * MG // 8,
        1250 * MCG,
        12,
        HOUR_MS,
        2500 * MCG,
    ),
    (
        "clonidine",
        1000 * MCG,
        600 * MCG,
        20 * MCG + 600 * MCG // 8,
        10 * MCG,
        24,
        HOUR_MS,
        20 * MCG,
    ),
)


# Drugs whose abrupt stop is itself a hazard: baclofen withdrawal (fever, rebound
# spasticity, rhabdomyolysis, death) and clonidine rebound hypertension. A mix holding one
# resumes basal by itself after a reset (restart.py), and a stop longer than allowed
# raises the loudest reminder (settle.py, `withdrawal_risk`). The one list of them.
STOP_HAZARD = ("baclofen", "clonidine")


def stop_is_hazard(drugs):
    """True if a drug of the mix ((name, ng/mL), ...) must not stop abruptly."""
    for name, _ in drugs:
        if name in STOP_HAZARD:
            return True
    return False


def lookup(name):
    """Return the row for `name` (exact, lowercase); PumpError(E_UNKNOWN_DRUG, name) if absent."""
    for row in DRUGS:
        if row[F_NAME] == name:
            return row
    raise PumpError(E_UNKNOWN_DRUG, name)
