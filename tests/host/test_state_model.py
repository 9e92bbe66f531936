"""The state table checked two ways, CPython only: the firmware's interpreter
(pump.machine.StateMachine) against `transitions.Machine` built from the same table, the
table's shape (reachability, no dead ends), and docs/state_diagram.md kept in step with it.

Never edits the table or the doc; the doc test only compares."""
import importlib.util
import re
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from transitions.core import MachineError

from pump.errors import E_INVALID_EVENT, PumpError
from pump.machine import StateMachine
from pump.states import ALARM, INITIAL, STATES, STOPPED, TRANSITIONS, UNPROGRAMMED
from pumpctl.state_model import build_machine, check_table, guard_names, mermaid

REPO = Path(__file__).resolve().parents[2]
TRIGGERS = sorted({row[0] for row in TRANSITIONS})
GUARDS = guard_names()
GUARDED_ROWS = [row for row in TRANSITIONS if row[3] is not None]
REFUSED = -1  # the code these tests' guards refuse with: a real guard gives its own reason


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "state_diagram", REPO / "tools" / "state_diagram.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Outcomes:
    """Guard outcomes shared by both machines: name -> allowed. Unset means allowed."""

    def __init__(self, allowed=None):
        self.allowed = dict(allowed or {})

    def ok(self, name):
        return self.allowed.get(name, True)


class FirmwareGuards:
    """Firmware protocol: 0 to allow, (REFUSED,) to refuse."""

    def __init__(self, outcomes):
        for name in GUARDS:
            setattr(self, name, self._guard(outcomes, name))

    @staticmethod
    def _guard(outcomes, name):
        return lambda *args: 0 if outcomes.ok(name) else (REFUSED,)


class ReferenceModel:
    """`transitions` protocol: a condition returns True or False."""

    def __init__(self, outcomes):
        for name in GUARDS:
            setattr(self, name, self._condition(outcomes, name))

    @staticmethod
    def _condition(outcomes, name):
        return lambda *args, **kwargs: outcomes.ok(name)


def machines(state, outcomes):
    """(firmware, reference model) both in `state`, guards answering from `outcomes`."""
    firmware = StateMachine(TRANSITIONS, state, FirmwareGuards(outcomes))
    model = ReferenceModel(outcomes)
    build_machine(model=model).set_state(state, model=model)
    return firmware, model


def fire_firmware(firmware, trigger):
    """'moved', 'invalid' or 'refused'; checks the state is unchanged unless moved."""
    before = firmware.state
    try:
        firmware.fire(trigger)
    except PumpError as err:
        assert firmware.state == before
        return "invalid" if err.code == E_INVALID_EVENT else "refused"
    return "moved"


def fire_reference(model, trigger):
    before = model.state
    try:
        moved = model.trigger(trigger)
    except MachineError:
        assert model.state == before
        return "invalid"
    if not moved:
        assert model.state == before
        return "refused"
    return "moved"


def successors(state):
    """States one trigger away from `state`, every guard passing (firmware engine)."""
    found = set()
    for trigger in TRIGGERS:
        firmware = StateMachine(TRANSITIONS, state, FirmwareGuards(Outcomes()))
        if firmware.can(trigger):
            found.add(firmware.fire(trigger))
    return found


def reachable_from(start):
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in successors(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


# --- the reference machine is the table ---------------------------------------------

def test_reference_machine_has_exactly_the_table_states_and_triggers():
    machine = build_machine()
    assert list(machine.states) == list(STATES)
    assert machine.model.state == INITIAL
    assert sorted(machine.events) == TRIGGERS  # no to_<state> triggers added
    assert not machine.ignore_invalid_triggers


def test_default_reference_model_lets_every_guard_pass():
    model = build_machine().model
    assert all(getattr(model, name)() is True for name in GUARDS)


def test_table_with_two_rows_for_one_trigger_and_source_is_rejected():
    doubled = TRANSITIONS + (("start", STOPPED, ALARM, None),)
    with pytest.raises(ValueError):
        check_table(table=doubled)


def test_table_row_naming_an_unknown_state_is_rejected():
    with pytest.raises(ValueError):
        check_table(table=TRANSITIONS + (("start", STOPPED, "flying", None),))


# --- firmware engine and reference agree ----------------------------------------------

@pytest.mark.parametrize("state", STATES)
def test_every_trigger_reaches_the_same_state_in_both_machines(state):
    for trigger in TRIGGERS:
        firmware, model = machines(state, Outcomes())
        assert fire_firmware(firmware, trigger) == fire_reference(model, trigger), trigger
        assert firmware.state == model.state, (state, trigger)


@pytest.mark.parametrize("state", STATES)
def test_invalid_trigger_leaves_state_unchanged_in_both_machines(state):
    for trigger in sorted(set(TRIGGERS) - set(valid_triggers(state))):
        firmware, model = machines(state, Outcomes())
        with pytest.raises(PumpError) as err:
            firmware.fire(trigger)
        assert err.value.code == E_INVALID_EVENT
        with pytest.raises(MachineError):
            model.trigger(trigger)
        assert firmware.state == model.state == state


@pytest.mark.parametrize("row", GUARDED_ROWS, ids=lambda row: row[0] + "@" + row[1])
def test_failing_guard_leaves_state_unchanged_in_both_machines(row):
    trigger, source, _dest, guard = row
    firmware, model = machines(source, Outcomes({guard: False}))
    with pytest.raises(PumpError) as err:
        firmware.fire(trigger)
    assert err.value.code == REFUSED
    assert model.trigger(trigger) is False
    assert firmware.state == model.state == source


@pytest.mark.parametrize("row", GUARDED_ROWS, ids=lambda row: row[0] + "@" + row[1])
def test_reference_built_from_refusing_firmware_guards_stays_put(row):
    trigger, source, _dest, guard = row
    machine = build_machine(guards=FirmwareGuards(Outcomes({guard: False})))
    machine.set_state(source)
    assert machine.model.trigger(trigger) is False
    assert machine.model.state == source


def valid_triggers(state):
    return sorted({row[0] for row in TRANSITIONS if row[1] == state})


# A step: a trigger from the whole table, one valid in the current state (picked by index
# when the step runs), which of the two to fire, and each guard's outcome. A walk from
# INITIAL with uniform triggers and fair guards rarely reaches bolusing or suspended, so
# the walk starts in any state and favours valid triggers and passing guards (~3 in 4).
mostly = st.integers(min_value=0, max_value=3).map(bool)
step = st.tuples(mostly, st.integers(min_value=0), st.sampled_from(TRIGGERS),
                 st.fixed_dictionaries({name: mostly for name in GUARDS}))


@given(st.sampled_from(STATES), st.lists(step, min_size=10, max_size=100))
def test_firmware_engine_and_transitions_stay_in_the_same_state_for_any_sequence(
        start, steps):
    outcomes = Outcomes()
    firmware, model = machines(start, outcomes)
    for prefer_valid, index, any_trigger, allowed in steps:
        valid = valid_triggers(firmware.state)
        trigger = valid[index % len(valid)] if prefer_valid and valid else any_trigger
        outcomes.allowed = allowed
        assert fire_firmware(firmware, trigger) == fire_reference(model, trigger), trigger
        assert firmware.state == model.state


# --- the shape of the table ----------------------------------------------------------

def test_every_state_is_reachable_from_the_initial_state():
    assert reachable_from(INITIAL) == set(STATES)


@pytest.mark.parametrize("state", [s for s in STATES if s != INITIAL])
def test_pump_can_always_get_back_to_stopped(state):
    assert STOPPED in reachable_from(state)


@pytest.mark.parametrize("state", [s for s in STATES if s not in (UNPROGRAMMED, ALARM)])
def test_fault_raises_the_alarm_from_every_programmed_state(state):
    firmware = StateMachine(TRANSITIONS, state, FirmwareGuards(Outcomes()))
    assert firmware.fire("fault") == ALARM


# --- the diagram and the doc ---------------------------------------------------------

EDGE = re.compile(r"^\s*(\w+) --> (\w+) : (.+)$")
LABEL = re.compile(r"^(\w+)(?: \[(\w+)\])?$")


def test_mermaid_has_one_edge_per_source_dest_pair_and_every_row():
    text = mermaid()
    assert "stateDiagram-v2" in text
    assert "[*] --> " + INITIAL in text
    edges = [EDGE.match(line).groups() for line in text.splitlines() if EDGE.match(line)]
    pairs = [(source, dest) for source, dest, _label in edges]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == {(row[1], row[2]) for row in TRANSITIONS}
    rows = set()
    for source, dest, label in edges:
        for item in label.split(", "):
            trigger, guard = LABEL.match(item).groups()
            rows.add((trigger, source, dest, guard))
    assert rows == set(TRANSITIONS)  # every trigger, with its guard, on its edge


def test_state_diagram_doc_is_regenerated_from_the_table():
    on_disk = (REPO / "docs" / "state_diagram.md").read_text(encoding="utf-8")
    assert on_disk == load_tool().render(), "run: python tools/state_diagram.py"


def test_check_option_fails_on_a_stale_doc_and_writes_nothing(tmp_path):
    tool = load_tool()
    doc = tmp_path / "state_diagram.md"
    doc.write_text("stale\n", encoding="utf-8")
    assert tool.main(["--check"], output=doc) == 1
    assert doc.read_text(encoding="utf-8") == "stale\n"
    assert tool.main([], output=doc) == 0
    assert tool.main(["--check"], output=doc) == 0
