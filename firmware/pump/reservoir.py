"""Reservoir accounting: the volume left is what was filled minus the steps really issued,
to the nanolitre; never estimated from time or rate.

Holds the low-reservoir threshold; refuses a fill above capacity. Volumes in VU
(1/step_den nL) so one step is an integer; reports in nL, rounded down."""
from pump.dose_units import ceil_div
from pump.errors import PumpError, E_REFILL_OVER, E_RANGE


class Reservoir:
    def __init__(self, step_num, step_den):
        self.step_num = step_num
        self.step_den = step_den
        self.volume_vu = 0
        self.fill_vu = 0
        self.steps_since_fill = 0
        self.concs = None  # per drug index, ng/mL, of what is in the reservoir

    def fill(self, volume_nl, capacity_nl, concs):
        if type(volume_nl) is not int or volume_nl < 0:
            raise PumpError(E_RANGE, volume_nl)
        if volume_nl > capacity_nl:
            raise PumpError(E_REFILL_OVER, volume_nl, capacity_nl)
        self.volume_vu = volume_nl * self.step_den
        self.fill_vu = self.volume_vu
        self.steps_since_fill = 0
        self.concs = concs

    def volume_nl(self):
        return self.volume_vu // self.step_den

    def steps_left(self):
        """Whole steps the reservoir can still give."""
        return self.volume_vu // self.step_num

    def take(self, steps):
        """Remove the volume of `steps` issued steps; returns it in VU."""
        vu = steps * self.step_num
        self.volume_vu -= vu
        self.steps_since_fill += steps
        return vu

    def give_back(self, steps):
        """An occlusion's relief drew `steps` back into the syringe: at most the steps
        issued since the fill (the caller caps it), so the volume never passes the fill."""
        self.volume_vu += steps * self.step_num
        self.steps_since_fill -= steps

    def steps_until_at_or_below(self, threshold_nl):
        """Steps after which the volume is at or below the threshold (0 if already)."""
        over = self.volume_vu - threshold_nl * self.step_den
        if over <= 0:
            return 0
        return ceil_div(over, self.step_num)
