"""docs/clinical_background.md case 1 on the virtual Pico, driven over its pseudo-terminal
with pyserial exactly as a user would drive a board: programmed, primed, 24 h advanced,
boluses granted and refused as the limits say, and the reservoir and delivered totals
checked against numbers worked out here (the ideal from plain integer sums, the rig from
its mechanics)."""
from fractions import Fraction

from builders import CASE1_FLEX, DAY_MS, HOUR_MS, MIN_MS, basal_ng_ms
from pumpctl.client import PumpClient
from pumpctl.virtual_pico import VirtualPico

# The virtual Pico's rig: BD 60 mL (26.7 mm) on a T8 screw, 200 x 16 microsteps, pi 355/113.
STEP_NL = Fraction(355 * 26_700 ** 2 * 8_000, 113 * 4 * 3_200 * 1_000_000)
JAN1_2026_MS = (56 * 365 + 14) * DAY_MS
T0 = 7 * HOUR_MS  # the clock is set to 07:00 at once; priming starts then


def ok(client, line, timeout=30.0):
    reply = client.command(line, timeout=timeout)
    assert reply.ok, (line, reply.final, reply.events)
    return reply


def err(client, line, code):
    reply = client.command(line, timeout=30.0)
    assert not reply.ok and reply.code == code, (line, reply.final)
    return reply


def test_case1_over_the_pty_gives_the_limits_and_totals_of_the_prescription():
    with VirtualPico() as vp, PumpClient(vp.port) as c:
        c.wait_ready()
        for line in ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
                     "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
                     "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d",
                     "ptm 30ug lockout=1h max=7", "capacity 40mL", "reservoir-alarm 2mL",
                     "refill 40mL", "confirm", "prime 150uL"):
            ok(c, line)
        primed = int([e for e in ok(c, "sim advance 10m").events
                      if e.startswith("! primed")][0].split("volume_nl=")[1].split()[0])
        ok(c, "start")  # 07:10
        start = T0 + 10 * MIN_MS
        t = start
        granted = 0
        # (minutes after 07:10, granted?, refusal code)
        for at_min, granted_ok, code in ((110, True, 0), (140, False, 44), (171, True, 0),
                                         (350, True, 0), (410, True, 0), (470, True, 0),
                                         (530, True, 0), (590, True, 0), (650, False, 45),
                                         (1549, False, 45), (1550, True, 0)):
            target = start + at_min * MIN_MS
            ok(c, "sim advance %dms" % (target - t))
            t = target
            if granted_ok:
                assert ok(c, "bolus").fields["dose_ng"] == "30000"
                granted += 1
            else:
                err(c, "bolus", code)
        end = start + 1600 * MIN_MS  # 09:50 on day 2
        ok(c, "sim advance %dms" % (end - t))
        s = ok(c, "status").fields
        # 09:00 on day 1 is out of the window now; 10:01 to 17:00 and 09:00 today are in.
        assert s["boluses_24h"] == "7"
        assert s["state"] == "running" and s["alarms"] == "-"
        # The ideal dose: basal over [start, end) plus every granted bolus, in ng.
        wall = JAN1_2026_MS
        ideal = Fraction(basal_ng_ms(CASE1_FLEX, wall + start, wall + end), DAY_MS) \
            + 30_000 * granted
        delivered = int(s["delivered_ng"])
        # Priming filled all but `room` nL of the 150 uL line (less than a step); the first
        # delivery step tops it up, so the tip gives the delivery steps less that room.
        room = 150_000 - primed
        assert 0 <= room < STEP_NL
        delivery_nl = delivered + room  # 1 ng/nL of hydromorphone at 1000 ug/mL
        # Steps issued are floor(ideal / step): never ahead, never a whole step behind.
        assert ideal - STEP_NL < delivery_nl <= ideal + 1, (delivered, float(ideal))
        # The reservoir: 40 mL less every step issued, prime included, to the nL.
        steps = round((40_000_000 - int(s["reservoir_nl"])) / STEP_NL)
        assert abs(40_000_000 - steps * STEP_NL - int(s["reservoir_nl"])) <= 1
        assert abs(steps * STEP_NL - primed - delivery_nl) <= 2  # ng/nL floors on each side
