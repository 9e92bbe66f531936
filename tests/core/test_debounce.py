"""Debouncing end stops and the bolus button from (level, time) samples: a change counts
after the settling time, a press only when held for the hold time and then released.
Runs under pytest and MicroPython."""
from hal.debounce import SETTLE_MS, Debounced, HoldButton

HOLD = 1000  # the shipped configs' button_hold_ms
S = SETTLE_MS


def feed(inp, samples):
    """samples: (level, t) pairs, in time order; returns the debounced level after each."""
    return [inp.sample(level, t) for level, t in samples]


def steady(level, t0, t1, step=5):
    """One sample every `step` ms from t0 up to and including t1, all at `level`."""
    return [(level, t) for t in range(t0, t1 + 1, step)]


def bounce(t0, n, last):
    """n alternating samples 1 ms apart starting at t0, ending on `last`."""
    return [((last + n - 1 - i) % 2, t0 + i) for i in range(n)]


def press(button, t0, held_ms, active=0, idle=1):
    """A clean press of an active-low button at t0, released at t0 + held_ms; sampled
    every 5 ms until the release has settled. Returns the time after the release."""
    end = t0 + held_ms
    for level, t in steady(active, t0, end - 1, 5) + steady(idle, end, end + 2 * S, 5):
        button.sample(level, t)
    return end + 2 * S


def test_the_active_level_decides_what_active_means():
    high = Debounced(1, S)
    low = Debounced(0, S)
    assert feed(high, steady(0, 0, 100))[-1] is False
    assert feed(low, steady(0, 0, 100))[-1] is True


def test_an_input_reads_active_until_seen_stably_inactive():
    stop = Debounced(1, S)
    assert stop.active and stop.since is None
    levels = feed(stop, steady(0, 0, S - 1, 1))
    assert all(levels)  # inactive, but not yet for the settling time
    assert stop.sample(0, S) is False
    assert stop.since == 0


def test_a_change_counts_only_after_the_settling_time():
    stop = Debounced(1, S)
    feed(stop, steady(0, 0, 100))
    assert stop.sample(1, 200) is False
    assert stop.sample(1, 200 + S - 1) is False
    assert stop.sample(1, 200 + S) is True
    assert stop.since == 200


def test_a_bounce_train_shorter_than_the_settling_time_changes_nothing():
    stop = Debounced(1, S)
    feed(stop, steady(0, 0, 100))
    levels = feed(stop, bounce(101, S - 2, 0) + steady(0, 101 + S, 300))
    assert not any(levels)


def test_an_end_stop_triggers_once_stable_after_its_bounce_train():
    stop = Debounced(1, S)
    feed(stop, steady(0, 0, 100))
    train = bounce(200, 9, 1)  # ends high at 208
    assert not any(feed(stop, train))
    assert stop.sample(1, 208 + S - 1) is False
    assert stop.sample(1, 208 + S) is True
    assert stop.since == 208  # the run that held, not the first contact


def test_a_glitch_seen_in_one_sparse_sample_is_ignored():
    stop = Debounced(1, S)
    feed(stop, steady(0, 0, 1000, 100))
    assert stop.sample(1, 1100) is False  # one sample high, 100 ms after the last
    assert stop.sample(0, 1200) is False
    assert stop.sample(0, 5000) is False


def test_a_press_held_for_the_hold_time_counts_once_on_release():
    b = HoldButton(0, HOLD, S)
    press(b, 0, 50)  # boot: the button is seen released first
    assert b.pressed() is False
    t = press(b, 1000, HOLD)
    assert b.pressed() is True
    assert b.pressed() is False
    feed(b, steady(1, t, t + 5000, 50))
    assert b.pressed() is False


def test_nothing_counts_before_release_however_long_the_hold():
    b = HoldButton(0, HOLD, S)
    feed(b, steady(1, 0, 100))
    for level, t in steady(0, 200, 200 + 60_000, 10):
        b.sample(level, t)
        assert b.pressed() is False
    feed(b, steady(1, 60_210, 60_300))
    assert b.pressed() is True  # held for a minute: one press, when it is let go


def test_a_press_one_ms_short_of_the_hold_never_counts_and_the_hold_itself_does():
    short = HoldButton(0, HOLD, S)
    feed(short, steady(1, 0, 100))
    feed(short, [(0, 200), (0, 200 + HOLD - 1)] + steady(1, 200 + HOLD - 1, 1500))
    assert short.pressed() is False
    exact = HoldButton(0, HOLD, S)
    feed(exact, steady(1, 0, 100))
    feed(exact, [(0, 200), (0, 200 + HOLD - 1)] + steady(1, 200 + HOLD, 1500))
    assert exact.pressed() is True


def test_bumps_and_bounce_trains_shorter_than_the_hold_never_count():
    b = HoldButton(0, HOLD, S)
    feed(b, steady(1, 0, 100))
    for t, held in ((200, 1), (300, 5), (400, S)):  # clean bumps
        feed(b, steady(0, t, t + held - 1, 1) + steady(1, t + held, t + 90, 1))
    t = 1000
    for held in (S, S + 1, 100, 500, HOLD - 1):
        # A press train whose last run starts at t + 6, a release train whose last run
        # starts at t + 6 + held: a hold of `held` ms with chatter at both ends.
        feed(b, bounce(t, 7, 0) + steady(0, t + 7, t + held - 1, 1)
             + bounce(t + held, 7, 1) + steady(1, t + held + 7, t + held + 100, 1))
        t += held + 200
    assert b.pressed() is False


def test_bounces_at_press_and_release_give_exactly_one_press():
    b = HoldButton(0, HOLD, S)
    feed(b, steady(1, 0, 100))
    feed(b, bounce(200, 15, 0) + steady(0, 215, 215 + HOLD, 5)
         + bounce(220 + HOLD, 15, 1) + steady(1, 235 + HOLD, 400 + HOLD, 5))
    assert b.pressed() is True
    assert b.pressed() is False


def test_a_bounce_inside_the_hold_shorter_than_settling_does_not_restart_it():
    b = HoldButton(0, HOLD, S)
    feed(b, steady(1, 0, 100))
    # Held 200..1200 with a 3 ms chatter at 700: still one hold of 1000 ms from 200.
    feed(b, steady(0, 200, 699, 1) + bounce(700, 3, 1) + steady(0, 703, 1199, 1)
         + steady(1, 1200, 1300, 1))
    assert b.pressed() is True


def test_a_release_inside_the_hold_longer_than_settling_restarts_it():
    b = HoldButton(0, HOLD, S)
    feed(b, steady(1, 0, 100))
    # 600 ms down, 2 * S up, 600 ms down: two short presses, not one long one.
    feed(b, steady(0, 200, 799, 1) + steady(1, 800, 800 + 2 * S, 1)
         + steady(0, 801 + 2 * S, 1400 + 2 * S, 1) + steady(1, 1401 + 2 * S, 1500 + 2 * S))
    assert b.pressed() is False


def test_a_button_held_at_boot_never_counts():
    b = HoldButton(0, HOLD, S)
    feed(b, steady(0, 0, 5000))
    feed(b, steady(1, 5001, 5100))
    assert b.pressed() is False
    press(b, 6000, HOLD)  # the next real press counts
    assert b.pressed() is True


def test_two_presses_between_reads_give_one():
    b = HoldButton(0, HOLD, S)
    feed(b, steady(1, 0, 100))
    t = press(b, 200, HOLD)
    press(b, t + 100, HOLD)
    assert b.pressed() is True
    assert b.pressed() is False


def test_an_active_high_button_counts_too():
    b = HoldButton(1, HOLD, S)
    press(b, 0, 50, active=0, idle=0)
    press(b, 200, HOLD, active=1, idle=0)
    assert b.pressed() is True


def test_held_reports_the_debounced_state():
    b = HoldButton(0, HOLD, S)
    assert b.held()  # unknown at boot reads as held
    feed(b, steady(1, 0, 100))
    assert not b.held()
    feed(b, steady(0, 200, 300))
    assert b.held()


def test_bad_arguments_raise_value_error():
    for call in (lambda: Debounced(2), lambda: Debounced(True), lambda: Debounced(1, -1),
                 lambda: HoldButton(0, 0), lambda: HoldButton(0, 1000, 20.0),
                 lambda: HoldButton(0, "1000")):
        try:
            call()
        except ValueError:
            continue
        raise AssertionError("accepted a bad argument")
