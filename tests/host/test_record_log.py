"""Reading a delivery log back (host/pumpctl/delivery_log.py, resample.py, analysis.py)
on small logs written here by hand: totals, the steps that count as delivery, which 30 s
intervals are steady, the states on the timeline."""
import json
from fractions import Fraction

import pytest

from pumpctl import analysis, delivery_log, resample

HEADER = {"type": "header", "format": "pumpctl-delivery-log", "version": 1}
STEP = {"step_nl_num": 7, "step_nl_den": 5}  # 1.4 nL a step, exactly


def sample(t_ms, state, steps, ideal_pg, delivered_ng=0, conc=1_000_000, **more):
    row = dict(type="sample", t_ms=t_ms, state=state, steps=steps, ideal_pg=ideal_pg,
               delivered_ng=delivered_ng, conc_ng_ml=conc, reservoir_nl=1_000_000,
               time="2026-01-01T07:00:00", low_alarm_at="-", alarms="-", **STEP)
    row.update(more)
    return row


def event(t_ms, kind, **fields):
    return dict(type="event", t_ms=t_ms, kind=kind, fields=fields)


def log_of(*rows):
    return delivery_log.parse(json.dumps(r) for r in (HEADER,) + rows)


def test_priming_steps_are_not_delivery_and_a_start_part_way_is():
    log = log_of(sample(0, "stopped", 0, 0),
                 sample(30_000, "priming", 50, 0),
                 sample(60_000, "stopped", 107, 0),  # primed in this interval
                 sample(90_000, "running", 110, 4_200_000),  # started in this one
                 sample(120_000, "running", 113, 8_400_000),
                 sample(150_000, "alarm", 114, 9_000_000))  # stopped part-way
    assert delivery_log.delivery_steps(log) == 3 + 3 + 1
    t = delivery_log.totals(log)
    assert t["delivery_nl"] == 7 * Fraction(7, 5)
    assert t["programmed_ng"] == 9_000


def test_a_reboot_between_readings_adds_no_steps():
    log = log_of(sample(0, "running", 500, 0), sample(30_000, "running", 3, 0))
    assert delivery_log.delivery_steps(log) == 0


def test_totals_count_boluses_by_who_and_refusals_by_reason():
    log = log_of(sample(0, "running", 0, 0, delivered_ng=10),
                 event(1, "bolus", dose_ng=30_000, by="patient"),
                 event(2, "bolus", dose_ng=50_000, by="clinician"),
                 event(3, "refused", code=44, reason="lockout"),
                 event(4, "refused", code=44, reason="lockout"),
                 event(5, "refused", code=45, reason="daily-max"),
                 event(6, "alarm", name="occlusion"),
                 event(7, "error", code=82, type="MemoryError"),
                 sample(60_000, "alarm", 0, 0, delivered_ng=80_010))
    t = delivery_log.totals(log)
    assert (t["boluses"], t["boluses_patient"], t["bolus_ng"]) == (2, 1, 80_000)
    assert t["refused"] == 3 and t["refused_by_reason"] == {"lockout": 2, "daily-max": 1}
    assert t["alarms"] == ["occlusion"]
    assert t["errors"] == ["MemoryError"]  # a failure outside any command is counted
    assert t["delivered_ng"] == 80_000  # the difference over the log, not the board's total


def test_a_log_without_a_header_or_with_junk_is_refused_with_its_line():
    with pytest.raises(delivery_log.LogError, match="no header"):
        delivery_log.parse([json.dumps(sample(0, "running", 0, 0))])
    with pytest.raises(delivery_log.LogError, match="line 2"):
        delivery_log.parse([json.dumps(HEADER), "{not json"])


def test_only_running_intervals_without_events_at_one_concentration_are_steady():
    log = log_of(sample(0, "running", 0, 0),
                 sample(30_000, "running", 0, 0),
                 sample(60_000, "bolusing", 0, 0),
                 sample(90_000, "running", 0, 0),
                 sample(120_000, "running", 0, 0),
                 event(130_000, "state", old="running", new="suspended"),
                 event(140_000, "state", old="suspended", new="running"),
                 sample(150_000, "running", 0, 0),
                 sample(180_000, "running", 0, 0, conc=500_000),
                 sample(210_000, "running", 0, 0, conc=500_000))
    grid = resample.grid(0, 210_000)
    assert resample.steady_intervals(log, grid) == [
        True, False, False, True, False, False, True]


def test_the_programmed_volume_is_the_ideal_dose_at_the_tip_concentration():
    s = delivery_log.Sample(sample(0, "running", 0, ideal_pg=1_000_000, conc=2_000_000))
    # 1000 ng at 2 mg/mL is 0.5 uL
    assert resample.programmed_volume_nl(s) == 500
    assert resample.step_volume_nl(delivery_log.Sample(sample(0, "running", 10, 0))) == 14


def test_the_timeline_follows_events_in_the_order_they_came():
    log = log_of(sample(0, "stopped", 0, 0),
                 event(0, "state", old="stopped", new="running"),
                 event(60_000, "bolus", dose_ng=30_000, by="patient"),
                 sample(90_000, "bolusing", 0, 0),
                 event(120_000, "bolus-done"),
                 sample(180_000, "running", 0, 0))
    h = analysis.hours
    assert analysis.state_spans(log) == [("running", 0.0, h(60_000)),
                                         ("bolusing", h(60_000), h(120_000)),
                                         ("running", h(120_000), h(180_000))]


def test_alarm_spans_run_from_raised_to_cleared_or_to_the_end():
    log = log_of(sample(0, "running", 0, 0),
                 event(30_000, "alarm", name="low_reservoir"),
                 event(60_000, "alarm", name="occlusion"),
                 event(90_000, "cleared", name="occlusion"),
                 sample(120_000, "running", 0, 0))
    h = analysis.hours
    assert analysis.alarm_spans(log) == [("low_reservoir", h(30_000), h(120_000)),
                                         ("occlusion", h(60_000), h(90_000))]
