"""The fluid between the reservoir and the catheter tip, first in, first out.

After a refill with a new concentration, the old drug still in the tubing reaches the
patient first: the dose given is computed from what leaves the tip, never from what is in
the reservoir. An empty or partly filled line delivers nothing until it is full (priming).
Volumes are in VU (1/step_den nL), concentrations as ((drug, ng/mL), ...); never touches hardware."""


class Tubing:
    def __init__(self, dead_vu, step_vu):
        self.dead_vu = dead_vu
        self.step_vu = step_vu
        self.segments = []  # [volume_vu, concs], head (catheter tip) first

    def filled_vu(self):
        total = 0
        for seg in self.segments:
            total += seg[0]
        return total

    def is_full(self):
        # Whole steps cannot fill the last fraction of a step; the next step does, and
        # the rest of it leaves the tip, which push() accounts for.
        return self.dead_vu - self.filled_vu() < self.step_vu

    def head_concs(self, fallback):
        """Concentrations of the fluid that leaves next."""
        return self.segments[0][1] if self.segments and self.is_full() else fallback

    def vu_until_change(self, behind=None):
        """Volume until the fluid at the tip changes concentration, or None. `behind`: what
        the next step pushes in (the reservoir's mix). Fix: a lone segment after a refill
        at a new mix, before its first step, had no change ahead, so a long first advance
        ran past the boundary at the old mix's step dose (141 steps short in 54 days)."""
        if len(self.segments) < 2:
            if self.segments and behind is not None and behind != self.segments[0][1]:
                return self.segments[0][0]
            return None
        return self.segments[0][0]

    def push(self, vu, concs, out):
        """Push `vu` of fluid with `concs` in at the pump end. Adds, per drug name, the
        volume*concentration (VU*ng/mL) that left the tip into the dict `out`; returns the
        volume that left the tip (VU)."""
        room = self.dead_vu - self.filled_vu()
        fill = vu if vu < room else (room if room > 0 else 0)
        exit_vu = vu - fill
        if self.segments and self.segments[-1][1] == concs:
            self.segments[-1][0] += vu
        else:
            self.segments.append([vu, concs])
        left = exit_vu
        while left > 0:
            seg = self.segments[0]
            take = seg[0] if seg[0] < left else left
            for name, conc in seg[1]:
                out[name] = out.get(name, 0) + take * conc
            seg[0] -= take
            left -= take
            if seg[0] == 0:
                self.segments.pop(0)
        return exit_vu
