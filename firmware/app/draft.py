"""The prescription being written: drugs, basal, patient bolus, reservoir alarm and
capacity, set one console command at a time.

A pump holds only whole prescriptions, checked in full when built. The console sets its
parts one by one, so the device keeps them here; each time one changes it builds a complete
Prescription from all of them (or, until all exist, checks what it can and says what is
missing). A Draft never changes: `with_()` returns a new one, so a refused command leaves
the one in use untouched. A new concentration for a filled reservoir waits in
`next_drugs` for the refill that brings it (only a confirmed refill changes what is in
the reservoir).

Defaults where the device has them (issue 16, item 1): the patient bolus is off until
`ptm` sets it, and the low-reservoir alarm is 2 mL, the manufacturer's recommendation
for a 20 or 40 mL reservoir, scaled to a tenth of a smaller one and never under a day
at the rig's least flow (the `reservoir-alarm` command's own minimum). So a drug and a
basal make a whole prescription; `rx` says which values are defaults."""
from micropython import const
from pump.errors import PumpError, E_RESERVOIR
from pump.prescription import Prescription
from pump.schedule import BasalSchedule

OFF = "off"  # `ptm off`: a prescription with no patient bolus, said on purpose
DEFAULT_LOW_NL = const(2_000_000)

# (field, the command that sets it), in the order `missing` lists them.
PARTS = (("drugs", "drug"), ("schedule", "basal"), ("bolus", "ptm"),
         ("low_nl", "reservoir-alarm"))


def default_low_nl(capacity_nl, rig):
    """The low-reservoir alarm when none was set, or None if no default fits."""
    low = capacity_nl // 10
    low = DEFAULT_LOW_NL if low > DEFAULT_LOW_NL else low
    least = rig.min_flow_nl_per_day
    low = least if low < least else low
    return low if low < capacity_nl else None


class Draft:
    def __init__(self, rig):
        self.rig = rig
        self.drugs = None  # ((name, ng/mL), ...), primary first
        self.next_drugs = None  # a new mix waiting for a refill
        self.schedule = None  # BasalSchedule
        self.bolus = OFF  # Bolus or OFF: off until `ptm` says otherwise
        self.low_nl = None  # None: the default (low_nl_in_use)
        self.capacity_nl = rig.capacity_nl
        self.sched = None  # scheduled boluses (pump/sched_bolus.py): none until set

    def with_(self, field, value):
        d = Draft(self.rig)
        for name in ("drugs", "next_drugs", "schedule", "bolus", "low_nl", "capacity_nl",
                     "sched"):
            setattr(d, name, getattr(self, name))
        setattr(d, field, value)
        d.check()
        return d

    def low_nl_in_use(self):
        """The low-reservoir alarm: as set, else the default (None if none fits)."""
        if self.low_nl is not None:
            return self.low_nl
        return default_low_nl(self.capacity_nl, self.rig)

    def missing(self):
        out = []
        for field, command in PARTS:
            if field == "low_nl":
                if self.low_nl_in_use() is None:
                    out.append(command)
            elif getattr(self, field) is None:
                out.append(command)
        return out

    def build(self, drugs=None):
        """The full Prescription, or None while a part is missing."""
        if self.missing():
            return None
        return self._rx(self.drugs if drugs is None else drugs, self.schedule)

    def check(self):
        """Raise what a prescription from these parts would raise, as far as they go."""
        if not 0 < self.capacity_nl <= self.rig.capacity_nl:
            raise PumpError(E_RESERVOIR, self.capacity_nl, self.rig.capacity_nl)
        if self.low_nl is not None and not self.low_nl < self.capacity_nl:
            raise PumpError(E_RESERVOIR, self.low_nl, self.capacity_nl)
        schedule = self.schedule or BasalSchedule(((0, 0),))
        for drugs in (self.drugs, self.next_drugs):
            if drugs is not None:
                self._rx(drugs, schedule)

    def _rx(self, drugs, schedule):
        bolus = self.bolus if self.bolus is not None and self.bolus is not OFF else None
        low = self.low_nl_in_use()
        low = 0 if low is None else low
        return Prescription(drugs, schedule, bolus, self.capacity_nl, low, self.rig,
                            self.sched)


def from_rx(rx, rig):
    """The draft a restored pump's prescription was built from, so `basal` after a reset
    changes one part and keeps the rest. A new mix that was waiting for a refill is not in
    the snapshot: it must be said again."""
    d = Draft(rig)
    d.drugs = rx.drugs
    d.schedule = rx.basal
    d.sched = rx.sched
    d.bolus = rx.bolus if rx.bolus is not None else OFF
    d.low_nl = rx.low_nl
    d.capacity_nl = rx.capacity_nl
    return d
