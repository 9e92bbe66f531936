"""Battery thresholds: a level counts only after several readings in a row (a motor's sag
is brief), and an alarm's cause ends only with some margin. Runs under pytest and
MicroPython."""
from app import battery
from app.battery import BatteryMonitor


def _readings(mon, mvs):
    out = []
    for mv in mvs:
        out.extend(mon.reading(mv))
    return out


def test_a_brief_sag_raises_nothing():
    mon = BatteryMonitor()
    low = battery.EOS_MV - 500
    assert _readings(mon, [low] * (battery.READINGS - 1) + [4800, low]) == []


def test_a_lasting_low_raises_eri_then_eos_once_each():
    mon = BatteryMonitor()
    eri = _readings(mon, [battery.ERI_MV - 1] * (battery.READINGS + 5))
    assert eri == [("battery_eri", True)]
    eos = _readings(mon, [battery.EOS_MV - 1] * (battery.READINGS + 5))
    assert eos == [("battery_eos", True)]


def test_the_cause_ends_only_above_the_threshold_plus_the_margin():
    mon = BatteryMonitor()
    _readings(mon, [battery.ERI_MV - 1] * battery.READINGS)
    assert _readings(mon, [battery.ERI_MV + battery.HYST_MV - 1] * 4) == []
    assert _readings(mon, [battery.ERI_MV + battery.HYST_MV]) == [("battery_eri", False)]
