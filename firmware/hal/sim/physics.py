"""What the simulated rig is made of: numbers a bench would measure, not a datasheet's.

Integers only: pressure in Pa, force in mN, volume in nL, compliance in nL per kPa.

Compliance is the volume the fluid path swallows per kPa of pressure: mostly the rubber
stopper of a plastic syringe, which bulges in proportion to its face, so it grows with the
bore's area (about 11 nL/kPa per mm^2, i.e. ~6 uL/kPa for a 60 mL syringe, consistent
with the minutes-to-hours occlusion alarms of large syringes at low flow reported for
syringe drivers). A glass syringe with a PTFE plunger tip is about ten times stiffer. The
line (tubing + catheter) adds a fixed 20 nL/kPa.

An occlusion is detected when the pressure in the line reaches the rig's trip pressure
(a force sensor behind the plunger, or StallGuard on a TMC2209, set to that load): the
volume pushed but not delivered by then is compliance x trip pressure, whatever the flow.
Past the stall pressure the motor cannot push and loses steps."""
from micropython import const

_LINE_NL_PER_KPA = const(20)
_PLASTIC_NL_PER_KPA_MM2 = const(11)
_GLASS_NL_PER_KPA_MM2 = const(1)
TRIP_KPA = const(30)  # a low occlusion setting: CSF is ~1 kPa, the line's flow drop is less
_THRUST_MN = const(90_000)  # NEMA17 on a lead screw, with the screw's losses
_FRICTION_MN_PER_MM2 = const(10)  # stopper drag grows with its rim; ~5 N on a 60 mL
_DRAIN_PA_MS_PER_NL = const(30)  # the open catheter's resistance: Pa x ms per nL


def area_mm2(inner_diameter_um):
    """Bore area in mm^2, rounded down (pi as 355/113, as in the board config)."""
    d = inner_diameter_um
    return 355 * d * d // (113 * 4 * 1_000_000)


def is_glass(model):
    return model.startswith("Hamilton")


def compliance_nl_per_kpa(model, inner_diameter_um):
    a = area_mm2(inner_diameter_um)
    per = _GLASS_NL_PER_KPA_MM2 if is_glass(model) else _PLASTIC_NL_PER_KPA_MM2
    return per * (a if a > 0 else 1) + _LINE_NL_PER_KPA


def stall_kpa(inner_diameter_um):
    """The pressure at which the motor's thrust, less the stopper's drag, is all used."""
    a = area_mm2(inner_diameter_um)
    a = a if a > 0 else 1
    free = _THRUST_MN - _FRICTION_MN_PER_MM2 * a
    # mN / mm^2 = kPa
    return free // a


def pressure_pa(trapped_nl, compliance):
    return trapped_nl * 1000 // compliance


def drained_nl(trapped_nl, compliance, dt_ms):
    """Volume the open line lets out in dt_ms: flow = pressure / resistance, taken at the
    start of the interval and capped at what is trapped (a first-order decay, stepped)."""
    out = pressure_pa(trapped_nl, compliance) * dt_ms // _DRAIN_PA_MS_PER_NL
    return out if out < trapped_nl else trapped_nl


def steady_trapped_nl(flow_nl_per_ms, compliance):
    """What the line holds at a steady flow through the open catheter: pressure = flow x
    resistance, volume = compliance x pressure."""
    return compliance * flow_nl_per_ms * _DRAIN_PA_MS_PER_NL // 1000
