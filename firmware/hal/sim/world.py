"""The simulated physical rig: a syringe whose plunger moves by the steps really issued, a
fluid line with compliance, and the faults a bench sees (occlusion, jam, empty syringe,
battery sag). It is the world outside the Pico, so it outlives the firmware: a power cut
reboots the firmware, never the syringe (to_dict/from_dict carry it across).

Volumes follow the mechanics exactly: the plunger's travel is kept in steps, and a step is
step_num/step_den nL of the *true* mechanism, which may differ from what the board config
believes by `true_ppm` (the error a calibration exists to find)."""
from hal.sim import physics

# What outlives a power cut. Not `t`: the board's clock restarts at 0 with the firmware.
_KEYS = ("travel", "pushed", "trapped_nl", "delivered_nl", "occluded", "jammed",
         "battery_mv")
# Kept too, and optional in a file (older files lack them): the balance's tare, and the
# mechanism's truth, so a world file can give a virtual Pico a bore its config does not
# know (what a calibration finds).
_OPTIONAL = ("tare_nl", "true_ppm")
_PPM_RANGE = (500_000, 1_500_000)


class World:
    def __init__(self, step_num, step_den, model, inner_diameter_um, true_ppm=1_000_000,
                 step_hz=2000, trip_kpa=physics.TRIP_KPA):
        self._num = step_num  # the drawing's step; true_ppm scales it to the truth
        self.true_ppm = true_ppm
        self.step_num = step_num * true_ppm
        self.step_den = step_den * 1_000_000
        self.step_hz = step_hz  # a move runs at this rate, the open line draining meanwhile
        self.compliance = physics.compliance_nl_per_kpa(model, inner_diameter_um)
        # The occlusion sensor's setting is the rig's (its config); compliance is physics.
        self.trip_nl = self.compliance * trip_kpa
        self.stall_nl = self.compliance * physics.stall_kpa(inner_diameter_um)
        self.travel = 0  # steps of plunger travel left before the end stop: the contents
        self.pushed = 0  # steps the plunger really moved, ever
        self.trapped_nl = 0  # pushed out of the syringe, not yet out of the catheter
        self.delivered_nl = 0  # out of the catheter tip: what a balance would weigh
        self.tare_nl = 0  # delivered_nl when the balance was last tared
        self.occluded = False
        self.jammed = False
        self.battery_mv = 4800  # four NiMH cells, charged
        self.t = 0

    # ----- what the operator does -----
    def fill(self, volume_nl):
        """A syringe filled with volume_nl (rounded down to whole steps of travel)."""
        self.travel = volume_nl * self.step_den // self.step_num

    def contents_nl(self):
        return self.travel * self.step_num // self.step_den

    def tare(self):
        self.tare_nl = self.delivered_nl

    def balance_nl(self):
        """What a balance under the outlet weighs since its tare (water: 1 mg = 1 uL)."""
        return self.delivered_nl - self.tare_nl

    # ----- what the sensors see -----
    def pressure_pa(self):
        return physics.pressure_pa(self.trapped_nl, self.compliance)

    def occlusion_signal(self):
        return self.trapped_nl >= self.trip_nl

    def end_stop(self):
        return self.travel == 0

    # ----- time and motion -----
    def tick(self, now_ms):
        """Let the open line drain up to now_ms."""
        dt = now_ms - self.t
        if dt <= 0:
            return
        self.t = now_ms
        if not self.occluded and self.trapped_nl < 0:
            # A line under suction (a reverse move past what it held) draws back from the
            # tip the moment it opens: the hazard a relief must never cause.
            self.delivered_nl += self.trapped_nl
            self.trapped_nl = 0
        if not self.occluded and self.trapped_nl:
            out = physics.drained_nl(self.trapped_nl, self.compliance, dt)
            if out == 0:  # the last few nL leave too: a stepped decay would strand them
                out = self.trapped_nl
            self.trapped_nl -= out
            self.delivered_nl += out

    def push(self, n, now_ms):
        """The plunger is driven n steps forward; returns (moved, fault or None). Stops at
        the first sensor that goes active, as the Pico's motor does."""
        self.tick(now_ms)
        if self.jammed:
            return 0, "stall"
        if self.end_stop():
            return 0, "end_stop"
        if self.occlusion_signal():
            return 0, "occlusion"
        limit, why = n, None
        if self.travel <= limit:
            limit, why = self.travel, "end_stop"
        if self.occluded:
            room = self.trip_nl - self.trapped_nl  # > 0: checked above
            to_trip = -(-room * self.step_den // self.step_num)
            if to_trip <= limit:
                limit, why = to_trip, "occlusion"
        self.travel -= limit
        self.pushed += limit
        moved_nl = (self.pushed * self.step_num // self.step_den
                    - (self.pushed - limit) * self.step_num // self.step_den)
        if self.occluded:
            self.trapped_nl += moved_nl
        else:
            # The open line drains while the motor runs: its pressure rises only to the
            # flow's steady pressure (flow x resistance), the rest leaves the catheter.
            flow = moved_nl * self.step_hz // (limit * 1000) if limit else 0  # nL/ms
            steady = physics.steady_trapped_nl(flow, self.compliance)
            held = self.trapped_nl + moved_nl
            keep = steady if steady > self.trapped_nl else self.trapped_nl
            keep = keep if keep < held else held
            self.delivered_nl += held - keep
            self.trapped_nl = keep
        return limit, why

    def pull(self, n, now_ms):
        """The plunger driven n steps back; returns (moved, fault or None). It stops where
        it started (`pushed` back to 0: the end stop at the full syringe). The fluid it
        draws in comes first from what the line holds under pressure; a blocked line then
        goes under suction (trapped < 0), and an open one gives back from the tip."""
        self.tick(now_ms)
        if self.jammed:
            return 0, "stall"
        limit, why = n, None
        if self.pushed <= limit:
            limit, why = self.pushed, "end_stop"
        moved_nl = (self.pushed * self.step_num // self.step_den
                    - (self.pushed - limit) * self.step_num // self.step_den)
        self.travel += limit
        self.pushed -= limit
        self.trapped_nl -= moved_nl
        if not self.occluded and self.trapped_nl < 0:
            self.delivered_nl += self.trapped_nl
            self.trapped_nl = 0
        return limit, why

    def clear(self, name):
        if name == "occlusion":
            self.occluded = False
        elif name == "stall":
            self.jammed = False

    def to_dict(self):
        d = {}
        for k in _KEYS + _OPTIONAL:
            d[k] = getattr(self, k)
        return d

    def from_dict(self, d):
        """Checked in full before anything changes: a bad file leaves the world as it was."""
        for k in _KEYS + _OPTIONAL:
            if k in d or k in _KEYS:
                if type(d[k]) is not type(getattr(self, k)):
                    raise ValueError("world file: bad " + k)
        ppm = d.get("true_ppm", self.true_ppm)
        if not _PPM_RANGE[0] <= ppm <= _PPM_RANGE[1]:
            raise ValueError("world file: bad true_ppm")
        for k in _KEYS + _OPTIONAL:
            if k in d:
                setattr(self, k, d[k])
        self.step_num = self._num * ppm
