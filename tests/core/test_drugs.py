"""The drug table: consistent, complete, refusing unknown drugs, and admitting the case
reports of docs/clinical_background.md. Runs under pytest and MicroPython (plain asserts,
integers only)."""
from check import raises
from pump.drug_check import check_table
from pump.drug_sources import SOURCES, source
from pump.drugs import (
    DAY_MS,
    DRUGS,
    F_MAX_BOLUS,
    F_MAX_BOLUSES_PER_DAY,
    F_MAX_CLINICIAN_BOLUS,
    F_MAX_CONC,
    F_MAX_DAILY,
    F_MAX_HOURLY,
    F_MIN_LOCKOUT,
    F_NAME,
    HOUR_MS,
    MCG,
    MG,
    N_FIELDS,
    lookup,

)
from pump.errors import E_UNKNOWN_DRUG

REQUIRED = (
    "morphine",
    "hydromorphone",
    "baclofen",
    "ziconotide",
    "bupivacaine",
    "ropivacaine",
    "clonidine",
)
NL_PER_ML = 1000000


def _ceil_div(a, b):
    return -(-a // b)


def _dose_ng(volume_nl, conc_ng_ml):
    """Drug in a volume, rounded up (a limit check must not round a dose down)."""
    return _ceil_div(volume_nl * conc_ng_ml, NL_PER_ML)


def _volume_nl(dose_ng, conc_ng_ml):
    return _ceil_div(dose_ng * NL_PER_ML, conc_ng_ml)


def _fits(name, conc_ng_ml, basal_ng_day, bolus_ng, boluses_per_day, lockout_ms):
    """Assert a regimen of one drug sits within its row, as the prescription check would."""
    row = lookup(name)
    if conc_ng_ml is not None:
        assert conc_ng_ml <= row[F_MAX_CONC], name
    assert bolus_ng <= row[F_MAX_BOLUS], name
    assert boluses_per_day <= row[F_MAX_BOLUSES_PER_DAY], name
    assert lockout_ms >= row[F_MIN_LOCKOUT], name
    assert basal_ng_day + bolus_ng * boluses_per_day <= row[F_MAX_DAILY], name
    # rolling hour: an hour of basal at the average rate plus one bolus (lockout >= 1 h)
    assert _ceil_div(basal_ng_day, 24) + bolus_ng <= row[F_MAX_HOURLY], name


def _table_error(table):
    try:
        check_table(table)
    except ValueError as err:
        return str(err.args[0])
    raise AssertionError("check_table accepted a broken table")


def _with(row, field, value):
    return row[:field] + (value,) + row[field + 1 :]


def test_table_passes_its_own_check():
    assert check_table() is None
    assert check_table(DRUGS) is None


def test_table_is_immutable_tuples_of_eight():
    assert type(DRUGS) is tuple
    for row in DRUGS:
        assert type(row) is tuple
        assert len(row) == N_FIELDS


def test_required_drugs_present_with_source():
    for name in REQUIRED:
        row = lookup(name)
        assert row[F_NAME] == name
        assert type(source(name)) is str
        assert len(source(name)) > 10


def test_every_source_is_ascii_and_says_where():
    for row in DRUGS:
        text = source(row[F_NAME])
        for ch in text:
            assert 32 <= ord(ch) <= 126, row[F_NAME]
        assert ("PACC" in text) or ("label" in text) or ("project-chosen" in text)


def test_sources_name_only_drugs_in_the_table_once_each():
    names = [n for n, _ in SOURCES]
    assert sorted(names) == sorted(row[F_NAME] for row in DRUGS)
    assert source("ketamine") is None


def test_lookup_returns_the_row():
    row = lookup("morphine")
    assert row[F_MAX_CONC] == 20 * MG
    assert row[F_MAX_DAILY] == 15 * MG
    # The Prialt label's 19.2 mcg/day to the 0.1 mcg it is written in: at or over the
    # label's figure (a prescription at it is reachable), under what would read 19.3.
    assert 19200 <= lookup("ziconotide")[F_MAX_DAILY] < 19250
    assert lookup("clonidine")[F_MAX_DAILY] == 600 * MCG


def test_unknown_drug_refused():
    for name in ("ketamine", "Morphine", "MORPHINE", "", " morphine", "morphine ", None):
        err = raises(E_UNKNOWN_DRUG, lookup, name)
        assert err.values == (name,)


def test_names_unique_and_lowercase():
    names = [row[F_NAME] for row in DRUGS]
    for i in range(len(names)):
        assert names[i] not in names[i + 1 :], names[i]
        assert names[i] == names[i].lower()


def test_no_float_in_any_row():
    for row in DRUGS:
        assert type(row[F_NAME]) is str
        for field in range(F_MAX_CONC, N_FIELDS):
            assert type(row[field]) is int, (row[F_NAME], field)
            assert row[field] >= 0


def test_patient_boluses_refused_for_ziconotide_and_baclofen():
    for name in ("ziconotide", "baclofen"):
        row = lookup(name)
        assert row[F_MAX_BOLUS] == 0
        assert row[F_MAX_BOLUSES_PER_DAY] == 0
        assert row[F_MAX_CLINICIAN_BOLUS] > 0  # a clinician screening/trial bolus remains


def test_limits_are_sane_relations():
    for row in DRUGS:
        assert row[F_MAX_HOURLY] <= row[F_MAX_DAILY]
        assert row[F_MAX_BOLUS] <= row[F_MAX_HOURLY]
        assert row[F_MAX_CLINICIAN_BOLUS] <= row[F_MAX_HOURLY]
        assert 0 < row[F_MIN_LOCKOUT] <= DAY_MS


def test_case1_hydromorphone_ropivacaine_clonidine_fits():
    # Reservoir mix: hydromorphone 1000 mcg/mL, ropivacaine 2500 mcg/mL, clonidine 75 mcg/mL;
    # basal 400 -> 600 -> 700 mcg/24 h hydromorphone; myPTM 30 mcg, at most 7 per 24 h.
    mix = (("hydromorphone", 1000 * MCG), ("ropivacaine", 2500 * MCG), ("clonidine", 75 * MCG))
    primary_conc = mix[0][1]
    bolus_nl = _volume_nl(30 * MCG, primary_conc)
    assert bolus_nl == 30000  # 30 uL
    assert _dose_ng(bolus_nl, 2500 * MCG) == 75 * MCG
    assert _dose_ng(bolus_nl, 75 * MCG) == 2250
    for daily_primary in (400 * MCG, 600 * MCG, 700 * MCG):
        flow_nl_day = _volume_nl(daily_primary, primary_conc)
        for name, conc in mix:
            basal = _dose_ng(flow_nl_day, conc)
            bolus = _dose_ng(bolus_nl, conc)
            _fits(name, conc, basal, bolus, 7, HOUR_MS)
    assert _dose_ng(_volume_nl(700 * MCG, primary_conc), 2500 * MCG) == 1750 * MCG
    assert _dose_ng(_volume_nl(700 * MCG, primary_conc), 75 * MCG) == 52500


def test_case2_morphine_trial_bolus_fits():
    row = lookup("morphine")
    trial = 200 * MCG
    assert trial <= row[F_MAX_CLINICIAN_BOLUS]
    assert trial <= row[F_MAX_HOURLY]


def test_case3_morphine_titration_fits():
    for daily in (400 * MCG, 600 * MCG):  # no boluses yet
        _fits("morphine", None, daily, 0, 0, HOUR_MS)
    _fits("morphine", None, 700 * MCG, 100 * MCG, 4, 6 * HOUR_MS)
    _fits("morphine", None, 1 * MG, 200 * MCG, 6, 4 * HOUR_MS)


def test_case_concentration_over_limit_would_not_fit():
    # The same checks must fail for a mix above the table: morphine 25 mg/mL.
    row = lookup("morphine")
    assert not (25 * MG <= row[F_MAX_CONC])


def test_check_table_catches_broken_rows():
    good = lookup("morphine")
    broken = (
        (_with(good, F_MAX_HOURLY, good[F_MAX_DAILY] + 1), "max_hourly_ng"),
        (_with(good, F_MAX_HOURLY, good[F_MAX_DAILY] // 25), "max_hourly_ng"),
        (_with(good, F_MAX_BOLUS, good[F_MAX_HOURLY] + 1), "max_bolus_ng"),
        (_with(good, F_MAX_CLINICIAN_BOLUS, good[F_MAX_HOURLY] + 1), "max_clinician_bolus_ng"),
        (_with(good, F_MAX_BOLUSES_PER_DAY, 0), "max_boluses_per_day"),
        (_with(good, F_MAX_BOLUSES_PER_DAY, 1000), "max_boluses_per_day"),
        (_with(good, F_MAX_CONC, 0), "max_conc_ng_ml"),
        (_with(good, F_MAX_CONC, -1), "max_conc_ng_ml"),
        (_with(good, F_MAX_CONC, "20000000"), "max_conc_ng_ml"),
        (_with(good, F_MAX_DAILY, True), "max_daily_ng"),
        (_with(good, F_MIN_LOCKOUT, 0), "min_lockout_ms"),
        (_with(good, F_MIN_LOCKOUT, DAY_MS + 1), "min_lockout_ms"),
    )
    for row, field in broken:
        msg = _table_error((row,))
        assert "morphine" in msg, msg
        assert field in msg, msg


def test_check_table_catches_missing_or_bad_sources():
    good = lookup("morphine")
    for sources in ((), (("morphine", ""),), (("morphine", "caf\u00e9"),),
                    (("hydromorphone", "PACC 2012"),)):
        msg = _sources_error((good,), sources)
        assert "morphine" in msg and "source" in msg, msg


def _sources_error(table, sources):
    try:
        check_table(table, sources)
    except ValueError as err:
        return str(err)
    raise AssertionError("check_table accepted bad sources")


def test_check_table_catches_bad_names_and_shapes():
    good = lookup("morphine")
    assert "name" in _table_error((_with(good, F_NAME, "Morphine"),))
    assert "name" in _table_error((_with(good, F_NAME, ""),))
    assert "name" in _table_error((good[:-1],))
    assert "name" in _table_error((list(good),))
    assert "table" in _table_error(list(DRUGS))
    assert "table" in _table_error(())
    zico = lookup("ziconotide")
    msg = _table_error((_with(zico, F_MAX_BOLUSES_PER_DAY, 1),))
    assert "ziconotide" in msg and "max_boluses_per_day" in msg


def test_check_table_catches_duplicate_name():
    msg = _table_error(DRUGS + (lookup("clonidine"),))
    assert "clonidine" in msg
    assert "duplicate" in msg
