"""A simulated day of intrathecal delivery, printed: docs/clinical_background.md case 1 on
the bench rig.

The README's main command until the serial console exists. Runs the firmware's own pump
logic under CPython with the simulated motor; prints what happened and checks the totals
against the prescription. Changes nothing on disk."""
import os
import sys
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "firmware"), os.path.join(ROOT, "host")]

from console.messages import text  # noqa: E402
from hal.sim.motor import SimMotor  # noqa: E402
from pump.errors import PumpError  # noqa: E402
from pump.forecast import low_alarm_eta_ms  # noqa: E402
from pump.prescription import Bolus, Prescription  # noqa: E402
from pump.rig import bench_rig  # noqa: E402
from pump.schedule import BasalSchedule  # noqa: E402

H = 3_600_000
M = 60_000
EPOCH = datetime(2026, 1, 1, 0, 0)
START = 7 * H  # the day starts at 07:00 on the pump's clock


def when(t_ms):
    return (EPOCH + timedelta(milliseconds=t_ms)).strftime("%H:%M:%S")


def main():
    rig = bench_rig()
    motor = SimMotor()
    events = []

    def log(t, kind, values):
        events.append((t, kind, values))

    from pump.pump import Pump
    pump = Pump(rig, motor, log=log, now_ms=START)
    pump.set_time(START, START)
    rx = Prescription(
        (("hydromorphone", 1_000_000), ("ropivacaine", 2_500_000), ("clonidine", 75_000)),
        BasalSchedule(((0, 600_000), (8 * 60, 800_000), (20 * 60, 700_000))),
        Bolus(30_000, H, 7), 40_000_000, 2_000_000, rig)
    print("Case 1 (docs/clinical_background.md) on the bench rig (BD 60 mL, %d.%03d uL "
          "per step)" % (rig.step_num // rig.step_den // 1000,
                         rig.step_num // rig.step_den % 1000))
    print("  hydromorphone 1000 ug/mL + ropivacaine 2500 ug/mL + clonidine 75 ug/mL")
    print("  basal 00:00=600 ug/d 08:00=800 ug/d 20:00=700 ug/d; myPTM 30 ug, lockout 1 h, max 7/24 h")
    print()
    t = START
    pump.program(rx, t)
    pump.refill(40_000_000, None, t)
    pump.confirm(t)
    pump.prime(rig.dead_volume_nl, t)
    t += 10 * M
    pump.advance(t)
    pump.start(t)
    start_t = t
    prime_steps = motor.total
    presses = [9 * H, 9 * H + 30 * M, 10 * H + 1 * M, 13 * H, 14 * H, 15 * H, 18 * H,
               19 * H, 21 * H, 22 * H, 23 * H, 23 * H + 30 * M]
    for p in presses:
        pump.advance(p)
        try:
            dose = pump.request_bolus(p)
            print("%s  bolus pressed: granted %d ug" % (when(p), dose // 1000))
        except PumpError as err:
            print("%s  bolus pressed: refused: ERR %d %s"
                  % (when(p), err.code, text(err.code, err.values)))
    end = start_t + 24 * H
    pump.advance(end)
    s = pump.status()
    print()
    for t_ev, kind, values in events:
        if kind in ("state", "alarm", "primed", "refill", "program"):
            print("%s  %-8s %s" % (when(t_ev), kind, " ".join(str(v) for v in values)))
    print()
    granted = sum(1 for _, k, v in events if k == "bolus")
    ideal_ng = _ideal_basal_ng(rx.schedule, start_t, end) + granted * 30_000
    conc = rx.drugs[0][1]
    step_ng = rig.step_num * conc // (rig.step_den * 1_000_000)
    delivery_steps = motor.total - prime_steps
    # Ideal steps = ideal volume / step volume = ideal_ng * 1e6 / conc / step_nl, as a
    # fraction num/den so the comparison stays exact.
    num = (_ideal_basal_ng_e(rx.schedule, start_t, end) + granted * 30_000 * 86_400_000) \
        * 1_000_000 * rig.step_den
    den = 86_400_000 * conc * rig.step_num
    print("After 24 h of therapy (%s to %s):" % (when(start_t), when(end)))
    print("  state                 %s" % s["state"])
    print("  boluses granted       %d (max 7 per 24 h)" % granted)
    print("  hydromorphone         %d ng delivered, ideal %d ng, gap %d ng (one step = %d ng)"
          % (pump.delivered_ng(), ideal_ng, ideal_ng - pump.delivered_ng(), step_ng))
    print("  ropivacaine           %d ng" % pump.delivered_ng("ropivacaine"))
    print("  clonidine             %d ng" % pump.delivered_ng("clonidine"))
    print("  reservoir             %d nL left of 40000000 nL" % s["reservoir_nl"])
    print("  motor steps           %d priming + %d delivery; ideal %d.%03d delivery steps"
          % (prime_steps, delivery_steps, num // den, num % den * 1000 // den))
    print("                        (the first delivery step finished filling the line's last"
          " %d nL," % (rig.dead_volume_nl - prime_steps * rig.step_num // rig.step_den))
    print("                         so the dose trails the ideal by that much more)")
    eta = low_alarm_eta_ms(pump)
    early = low_alarm_eta_ms(pump, with_boluses=True)
    print("  low-reservoir alarm   in %.1f days on basal; at the earliest in %.1f days with "
          "every bolus allowed" % (eta / 86_400_000, early / 86_400_000))
    gap_ok = 0 <= num - delivery_steps * den < den
    print()
    print("Steps issued within one step of the ideal: %s" % ("yes" if gap_ok else "NO"))
    return 0 if gap_ok else 1


def _ideal_basal_ng_e(schedule, t0, t1):
    """Basal dose over [t0, t1) in ng * 86_400_000 (exact)."""
    total = 0
    for d, rate in schedule.segments(t0 % 86_400_000, t1 - t0):
        total += d * rate
    return total


def _ideal_basal_ng(schedule, t0, t1):
    return _ideal_basal_ng_e(schedule, t0, t1) // 86_400_000


if __name__ == "__main__":
    sys.exit(main())
