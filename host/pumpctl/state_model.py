"""The pump's state table (firmware/pump/states.py) as a `transitions` Machine, and as a
Mermaid diagram. CPython only: the reference model for tests and the source of
docs/state_diagram.md.

Never declares a state or a transition of its own: everything comes from the table, so
neither the reference model nor the diagram can drift from what the firmware runs. Never
sets `ignore_invalid_triggers`: a trigger not in the table raises MachineError, as the
firmware raises PumpError(E_INVALID_EVENT)."""
from transitions import Machine

from pump.states import INITIAL, STATES, TRANSITIONS


def guard_names(table=TRANSITIONS):
    """The guard names the table uses, in table order, each once."""
    names = []
    for _trigger, _source, _dest, guard in table:
        if guard is not None and guard not in names:
            names.append(guard)
    return names


def check_table(states=STATES, initial=INITIAL, table=TRANSITIONS):
    """Raise ValueError if the table is not one the firmware and the reference agree on:
    unknown states, or two rows for the same (trigger, source). The firmware takes the
    first such row while `transitions` would fall through to the next one on a failing
    guard, so a duplicate would make the two machines differ."""
    if initial not in states:
        raise ValueError("initial state %r is not in STATES" % (initial,))
    seen = set()
    for row in table:
        trigger, source, dest, _guard = row
        for state in (source, dest):
            if state not in states:
                raise ValueError("row %r names unknown state %r" % (row, state))
        if (trigger, source) in seen:
            raise ValueError("row %r repeats trigger %r from %r" % (row, trigger, source))
        seen.add((trigger, source))


class GuardModel:
    """A model for the reference Machine whose guard methods answer True/False.

    With no `guards`, every guard passes. With `guards`, an object using the firmware's
    protocol (a guard returns 0 to allow or a tuple (code, values...) to refuse), a
    guard passes exactly when the firmware's would. Holds no method named like a trigger,
    so `transitions` can bind every trigger onto it."""

    def __init__(self, guards=None):
        for name in guard_names():
            setattr(self, name, self._condition(guards, name))

    @staticmethod
    def _condition(guards, name):
        if guards is None:
            return lambda *args, **kwargs: True
        firmware_guard = getattr(guards, name)
        return lambda *args, **kwargs: not firmware_guard(*args)


def transition_dicts(table=TRANSITIONS):
    """One `transitions` dict per row. A self-loop keeps dest == source (reflexive);
    dest None would mean an internal transition in `transitions`, which the table never
    asks for."""
    out = []
    for trigger, source, dest, guard in table:
        spec = {"trigger": trigger, "source": source, "dest": dest}
        if guard is not None:
            spec["conditions"] = [guard]
        out.append(spec)
    return out


def build_machine(model=None, guards=None):
    """A `transitions.Machine` over the table; the model is `machine.model`.

    `model`: your own object with one bool-returning method per guard name. Otherwise a
    GuardModel built from `guards` (firmware protocol, see GuardModel) is used."""
    if model is not None and guards is not None:
        raise ValueError("give a model or firmware guards, not both")
    check_table()
    if model is None:
        model = GuardModel(guards)
    return Machine(model=model, states=list(STATES), initial=INITIAL,
                   transitions=transition_dicts(), auto_transitions=False)


def edge_labels(table=TRANSITIONS):
    """[(source, dest, label)], one per distinct (source, dest) pair, in order of first
    appearance; rows sharing a pair are joined with ", "."""
    edges = []
    index = {}
    for trigger, source, dest, guard in table:
        label = trigger if guard is None else "%s [%s]" % (trigger, guard)
        key = (source, dest)
        if key in index:
            edges[index[key]][2].append(label)
        else:
            index[key] = len(edges)
            edges.append((source, dest, [label]))
    return [(source, dest, ", ".join(labels)) for source, dest, labels in edges]


def mermaid(title="Pump states"):
    """Mermaid `stateDiagram-v2` text for the table, deterministic, ending in a newline."""
    lines = ["---", "title: " + title, "---", "stateDiagram-v2",
             "    [*] --> " + INITIAL]
    for source, dest, label in edge_labels():
        lines.append("    %s --> %s : %s" % (source, dest, label))
    return "\n".join(lines) + "\n"
