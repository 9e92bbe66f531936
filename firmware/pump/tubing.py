"""The fluid between the reservoir and the catheter tip, first in, first out.

After a refill with a new concentration, the old drug still in the tubing reaches the
patient first: the dose given is computed from what leaves the tip, never from what is in
the reservoir. An empty or partly filled line delivers nothing until it is full (priming).
Volumes are in VU (1/step_den nL), concentrations as ((drug, ng/mL), ...); never touches hardware."""


# Fluids the line may hold at once, one per change of mix still in it: the snapshot
# restores a bounded list (store/snapshot.py), and a Pico's heap holds one. Past it a
# refill at another mix is refused until delivery or a prime has pushed the oldest out
# (pump.refill); a change of mix a day is the clinical pace.
MAX_FLUIDS = 16


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

    def other_vu(self, mix):
        """(VU, drug) of the fluid from the tip up to the last of it that is of another
        drug than `mix` ((name, ng/mL), ..., primary first), and the first such drug;
        (0, None) if none is. After a refill that changed the drug, that fluid must go to
        waste, not into the patient at the new drug's rate (Permits.start_allowed).

        Another drug: one not in `mix`, or a fluid whose primary is not the mix's. The
        rate is programmed in the primary and a fluid is pushed at the volume that gives
        it; a fluid without it, or led by another drug, has no rate the prescription set.
        Fix: hydromorphone 15 mg/mL, then morphine 1 mg/mL with hydromorphone 100 ug/mL
        at 1 mg/day: the old fluid (no morphine) ran at the new mix's volume rate, 2.25 mg
        of hydromorphone in 3.3 h where 3 mg/day had been prescribed."""
        total = upto = 0
        first = None
        lead = mix[0][0]
        for vu, concs in self.segments:
            total += vu
            name = concs[0][0] if concs[0][0] != lead else _not_in(concs, mix)
            if name is not None:
                upto = total
                first = name if first is None else first
        return upto, first

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


    def pull(self, vu, out):
        """Draw `vu` back toward the pump (an occlusion's relief): it leaves the line at the
        pump end, into the reservoir. If the line is full, what push() counted out of the tip
        was in fact held by the blocked line's compliance: the same volume comes back in at
        the tip, at the tip's concentrations, and is taken off `out` (never below 0). If not
        (a prime met the blockage), the fluid's front only moves back. Returns the VU by
        which the line is less full."""
        full = self.is_full()
        head = self.segments[0][1] if self.segments else None
        left = vu
        while left > 0 and self.segments:
            seg = self.segments[-1]
            take = seg[0] if seg[0] < left else left
            seg[0] -= take
            left -= take
            if seg[0] == 0:
                self.segments.pop()
        if not full or head is None:
            return vu - left
        if self.segments and self.segments[0][1] == head:
            self.segments[0][0] += vu
        else:
            self.segments.insert(0, [vu, head])
        for name, conc in head:
            had = out.get(name, 0)
            out[name] = had - vu * conc if had > vu * conc else 0
        return 0


def _not_in(concs, mix):
    """The first drug of `concs` that `mix` lacks, or None."""
    for name, _ in concs:
        if not _has(mix, name):
            return name
    return None


def _has(mix, name):
    for n, _ in mix:
        if n == name:
            return True
    return False
