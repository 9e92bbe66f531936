"""`basal+` (issue 16, item 3): a schedule of 24 steps, which no 200-byte `basal` line
holds, is built a few steps at a time; a step at the same time is replaced; `rx` lists
them all. Runs under pytest and MicroPython."""
from console_fakes import Board, kv
from pump.errors import E_SCHEDULE, E_USAGE


def test_24_steps_are_built_with_basal_plus_and_rx_lists_them_all():
    b = Board()
    b.login()
    b.ok("drug morphine 10mg/mL")
    b.ok("basal 1mg/d")
    for first in range(1, 24, 6):
        b.ok("basal+ " + " ".join("%02d:00=%dug/d" % (h, 1000 + 10 * h)
                                  for h in range(first, min(first + 6, 24))))
    steps = b.dev.draft.schedule.steps
    assert len(steps) == 24 and steps[0] == (0, 1_000_000)
    assert steps[23] == (23 * 60, 1_230_000)
    rx = " ".join(b.ok("rx"))
    assert "23:00@1230000" in rx and "00:00@1000000," in rx, rx


def test_a_step_at_the_same_time_is_replaced_and_the_rest_kept():
    b = Board()
    b.login()
    b.ok("drug morphine 10mg/mL")
    b.ok("basal 00:00=1mg/d 08:00=2mg/d")
    r = kv(b.ok("basal+ 08:00=3mg/d 20:00=1500ug/d"))
    assert r["old"] == "00:00@1000000,08:00@2000000", r
    assert b.dev.draft.schedule.steps == ((0, 1_000_000), (480, 3_000_000),
                                          (1200, 1_500_000))


def test_basal_plus_with_no_schedule_must_start_at_midnight_and_bad_lines_change_nothing():
    b = Board()
    b.login()
    b.ok("drug morphine 10mg/mL")
    b.err("basal+ 08:00=2mg/d", E_SCHEDULE)  # no 00:00 step: refused, nothing set
    assert b.dev.draft.schedule is None
    b.ok("basal+ 00:00=1mg/d")
    b.err("basal+ 08:00", E_USAGE)
    b.ok("basal+ 08:00=2mg/d")
    assert b.dev.draft.schedule.steps == ((0, 1_000_000), (480, 2_000_000))
