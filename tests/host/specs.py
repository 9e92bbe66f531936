"""Shared test data for the CPython delivery tests: a bench rig and the case 1
prescription as plain dicts, and builders over them. Data only; asserts nothing."""
from pump import drugs as dt
from pump.prescription import Bolus, Prescription
from pump.schedule import BasalSchedule
from reference import HOUR_MS as H


def row(name):
    return dt.lookup(name)


CASE1 = dict(drugs=[("hydromorphone", 1_000_000), ("clonidine", 75_000)],
             steps=[(0, 600_000), (480, 800_000), (1200, 700_000)],
             bolus=(30_000, H, 7), capacity=40_000_000, low=2_000_000)

BENCH = dict(step_num=1000, step_den=1, capacity_nl=60_000_000, dead_volume_nl=150_000,
             bolus_nl_per_min=10_000, prime_nl_per_min=50_000, min_flow_nl_per_day=48_000)


def build_rx(spec, rig, steps=None, drugs=None):
    return Prescription(drugs or spec["drugs"], BasalSchedule(steps or spec["steps"]),
                        Bolus(*spec["bolus"]), spec["capacity"], spec["low"], rig)
