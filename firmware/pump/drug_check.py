"""Self-check of the drug table: types, ranges and the relations between limits.

Run by the tests and by tools, never on the delivery path (it would only cost the
board memory): the table is data that does not change at run time."""
from micropython import const
from pump.drugs import (DRUGS, F_NAME, F_MAX_CONC, F_MAX_DAILY, F_MAX_HOURLY, F_MAX_BOLUS,
                        F_MAX_BOLUSES_PER_DAY, F_MIN_LOCKOUT, F_MAX_CLINICIAN_BOLUS,
                        N_FIELDS, DAY_MS)
from pump.drug_sources import SOURCES

SMALL_INT_MAX = const(0x3FFFFFFF)  # largest small int on a 32-bit MicroPython port

FIELD_NAMES = (
    "name",
    "max_conc_ng_ml",
    "max_daily_ng",
    "max_hourly_ng",
    "max_bolus_ng",
    "max_boluses_per_day",
    "min_lockout_ms",
    "max_clinician_bolus_ng",
    "source",  # not a field of the row: the entry in drug_sources.SOURCES
)
F_SOURCE = const(8)


def _fail(name, field, why):
    raise ValueError("drug %s: field %s: %s" % (name, FIELD_NAMES[field], why))


def _is_int(value):
    return type(value) is int  # bool and float are refused


def _check_name(name):
    if type(name) is not str or not name:
        _fail(repr(name), F_NAME, "not a non-empty str")
    for ch in name:
        if not ("a" <= ch <= "z"):
            _fail(repr(name), F_NAME, "not lowercase ascii letters")


def _check_source(name, source):
    if type(source) is not str or not source:
        _fail(name, F_SOURCE, "not a non-empty str")
    for ch in source:
        if not (32 <= ord(ch) <= 126):
            _fail(name, F_SOURCE, "not printable ascii")


def _check_row(row):
    if type(row) is not tuple:
        _fail(repr(row), F_NAME, "row is not a tuple")
    if len(row) != N_FIELDS:
        _fail(repr(row[0] if row else row), F_NAME, "row does not have %d fields" % N_FIELDS)
    name = row[F_NAME]
    _check_name(name)
    for field in range(F_MAX_CONC, N_FIELDS):
        value = row[field]
        if not _is_int(value):
            _fail(name, field, "not an int")
        if value < 0 or value > SMALL_INT_MAX:
            _fail(name, field, "out of range 0..%d" % SMALL_INT_MAX)
    for field in (F_MAX_CONC, F_MAX_DAILY, F_MAX_HOURLY, F_MIN_LOCKOUT):
        if row[field] == 0:
            _fail(name, field, "must be positive")

    daily = row[F_MAX_DAILY]
    hourly = row[F_MAX_HOURLY]
    bolus = row[F_MAX_BOLUS]
    count = row[F_MAX_BOLUSES_PER_DAY]
    if hourly > daily:
        _fail(name, F_MAX_HOURLY, "exceeds max_daily_ng")
    if hourly * 24 < daily:
        _fail(name, F_MAX_HOURLY, "a flat basal at max_daily_ng would exceed it")
    if bolus > hourly:
        _fail(name, F_MAX_BOLUS, "exceeds max_hourly_ng")
    if (bolus == 0) != (count == 0):
        _fail(name, F_MAX_BOLUSES_PER_DAY, "must be 0 exactly when max_bolus_ng is 0")
    if bolus * count > daily:
        _fail(name, F_MAX_BOLUSES_PER_DAY, "max_bolus_ng times this exceeds max_daily_ng")
    if row[F_MIN_LOCKOUT] > DAY_MS:
        _fail(name, F_MIN_LOCKOUT, "longer than 24 h")
    if row[F_MAX_CLINICIAN_BOLUS] > hourly:
        _fail(name, F_MAX_CLINICIAN_BOLUS, "exceeds max_hourly_ng")


def _source_of(name, sources):
    for n, text in sources:
        if n == name:
            return text
    return None


def check_table(table=None, sources=None):
    """Validate a drug table (DRUGS by default) and its sources (SOURCES by default);
    raise ValueError naming drug and field.

    Checks every row's types and ranges, unique names, a source for every drug, and the
    relations between limits: hourly <= daily, 24 * hourly >= daily, bolus and clinician
    bolus <= hourly, bolus count 0 exactly when patient boluses are refused, bolus *
    count <= daily."""
    if table is None:
        table = DRUGS
    if sources is None:
        sources = SOURCES
    if type(table) is not tuple or not table:
        raise ValueError("drug table: not a non-empty tuple")
    seen = []
    for row in table:
        _check_row(row)
        if row[F_NAME] in seen:
            _fail(row[F_NAME], F_NAME, "duplicate name")
        seen.append(row[F_NAME])
        _check_source(row[F_NAME], _source_of(row[F_NAME], sources))
    if table is DRUGS:
        for name, _ in sources:
            if name not in seen:
                _fail(name, F_SOURCE, "a source for a drug the table does not have")
        check_soft(table)


def check_soft(table=None, soft=None, first=None, sources=None):
    """Validate the soft limits and first-fill rules (drug_soft.py) against a table:
    one SOFT row per drug and none for a drug it lacks, each soft daily dose and step
    under the row's hard daily maximum, each cited (drug_sources.SOFT_SOURCES), each
    first-fill strength within the row's concentration limit and cited; raise
    ValueError naming drug and what is wrong."""
    from pump import drug_soft as ds
    from pump import drug_sources as dsrc
    table = DRUGS if table is None else table
    soft = ds.SOFT if soft is None else soft
    first = ds.FIRST_FILL if first is None else first
    sources = dsrc.SOFT_SOURCES if sources is None else sources
    names = [row[F_NAME] for row in table]
    seen = []
    for srow in soft:
        name = srow[ds.S_NAME]
        if name not in names or name in seen:
            raise ValueError("soft limit %r: no such drug, or twice" % (name,))
        seen.append(name)
        daily = table[names.index(name)][F_MAX_DAILY]
        for i in (ds.S_DAILY, ds.S_STEP_PCT, ds.S_STEP_NG):
            if not _is_int(srow[i]) or srow[i] < 0:
                raise ValueError("soft limit %s: field %d not an int >= 0" % (name, i))
        if srow[ds.S_DAILY] >= daily or srow[ds.S_STEP_NG] >= daily:
            raise ValueError("soft limit %s: not under the hard daily maximum" % name)
        if srow[ds.S_STEP_PCT] > 100:
            raise ValueError("soft limit %s: a step over 100 %%" % name)
        cited = [row[1:] for row in sources if row[0] == name]
        if len(cited) != 1:
            raise ValueError("soft limit %s: not cited once in SOFT_SOURCES" % name)
        for text in cited[0]:
            _check_source(name, text)
    for name in names:
        if name not in seen:
            raise ValueError("soft limit %s: missing" % name)
    for name, conc in first:
        if name not in names or not 0 < conc <= table[names.index(name)][F_MAX_CONC]:
            raise ValueError("first fill %r: no such drug, or over its concentration" % (name,))
        _check_source(name, _source_of(name, dsrc.FIRST_FILL_SOURCES))
