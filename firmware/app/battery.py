"""Battery thresholds with hysteresis: ERI (replace soon, informs) and EOS (end of
service, stops: a motor on a failing supply can lose steps silently). A motor move sags
the supply for a moment, so a level counts only after READINGS readings in a row, and an
alarm's cause ends only HYST_MV above its threshold. Four NiMH cells: 1.1 V and 1.0 V."""
from micropython import const

ERI_MV = const(4400)
EOS_MV = const(4000)
HYST_MV = const(100)
READINGS = const(3)


class BatteryMonitor:
    def __init__(self):
        self.low = {"battery_eri": 0, "battery_eos": 0}  # consecutive readings below
        self.active = {"battery_eri": False, "battery_eos": False}

    def settled(self, mv):
        """True if readings of `mv` would raise nothing, end nothing and count nothing
        towards READINGS: a simulated jump (app/controller.py) may then skip them."""
        for name, limit in (("battery_eos", EOS_MV), ("battery_eri", ERI_MV)):
            if mv < limit:
                if not self.active[name]:
                    return False  # counting towards an alarm
            elif self.low[name] or (self.active[name] and mv >= limit + HYST_MV):
                return False  # a count to reset, or a cause about to end
        return True

    def reading(self, mv):
        """Returns [(name, True)] for alarms to raise and [(name, False)] for causes gone."""
        out = []
        for name, limit in (("battery_eos", EOS_MV), ("battery_eri", ERI_MV)):
            if mv < limit:
                self.low[name] += 1
                if self.low[name] >= READINGS and not self.active[name]:
                    self.active[name] = True
                    out.append((name, True))
            else:
                self.low[name] = 0
                if self.active[name] and mv >= limit + HYST_MV:
                    self.active[name] = False
                    out.append((name, False))
        return out
