"""Board config loader under random damage: whatever the text, load() either returns a
config whose Rig builds, or raises ConfigError, and never anything else (a KeyError or
TypeError from a half-checked config would reach the boot code as a crash, not a refusal)."""
import json

import pytest
from pathlib import Path

from hypothesis import given, strategies as st

from hal.board_config import ConfigError, load, rig
from pump.rig import Rig

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted((REPO / "board_configs").glob("*.json"))
VALID = [json.loads(p.read_text()) for p in CONFIGS]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def paths(d, prefix=()):
    """Every key path in a config, nested ones included."""
    for key in d:
        yield prefix + (key,)
        if isinstance(d[key], dict):
            yield from paths(d[key], prefix + (key,))


def parent(d, path):
    for key in path[:-1]:
        d = d[key]
    return d


def outcome(text):
    """load(text): the Rig if accepted, None if refused; anything else propagates."""
    try:
        config = load(text)
    except ConfigError as err:
        assert err.field and err.reason
        return None
    r = rig(config)
    assert isinstance(r, Rig)
    return r


def test_every_shipped_config_is_valid():
    assert len(VALID) == 4
    for d in VALID:
        assert outcome(json.dumps(d)) is not None


# What a config may leave out (hal/board_config.py _OPTIONAL_PINS): the service jumper.
OPTIONAL = {("pins", "service")}


@given(st.sampled_from(VALID), st.data())
def test_dropping_any_key_is_always_refused(base, data):
    d = json.loads(json.dumps(base))
    path = data.draw(st.sampled_from(sorted(p for p in paths(d) if p not in OPTIONAL)))
    del parent(d, path)[path[-1]]
    assert outcome(json.dumps(d)) is None


def test_the_service_pin_may_be_left_out_and_is_checked_when_given():
    for base in VALID:
        d = json.loads(json.dumps(base))
        del d["pins"]["service"]
        assert outcome(json.dumps(d)) is not None
        d["pins"]["service"] = d["pins"]["step"]  # a pin can do one thing
        with pytest.raises(ConfigError) as err:
            load(json.dumps(d))
        assert err.value.field == "pins.service" and "already used" in err.value.reason
        d["pins"]["service"] = 30
        with pytest.raises(ConfigError) as err:
            load(json.dumps(d))
        assert err.value.field == "pins.service"


@given(st.sampled_from(VALID), st.data(), json_values)
def test_any_value_replaced_by_random_json_is_refused_or_valid(base, data, value):
    d = json.loads(json.dumps(base))
    path = data.draw(st.sampled_from(sorted(paths(d))))
    parent(d, path)[path[-1]] = value
    outcome(json.dumps(d))


@given(st.sampled_from(VALID), st.data(), json_values)
def test_a_random_extra_key_is_refused(base, data, value):
    d = json.loads(json.dumps(base))
    sections = [()] + [p for p in paths(d) if isinstance(parent(d, p)[p[-1]], dict)]
    where = data.draw(st.sampled_from(sections))
    target = parent(d, where + ("x",))
    key = data.draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in target))
    target[key] = value
    assert outcome(json.dumps(d)) is None


@given(st.sampled_from(VALID), st.data())
def test_swapping_two_pins_keeps_a_valid_config_valid_or_refuses_it(base, data):
    d = json.loads(json.dumps(base))
    names = sorted(d["pins"])
    a = data.draw(st.sampled_from(names))
    b = data.draw(st.sampled_from(names))
    d["pins"][a], d["pins"][b] = d["pins"][b], d["pins"][a]
    r = outcome(json.dumps(d))
    if r is not None:  # only a swap that keeps battery_adc on an ADC and the UART pairs
        assert d["pins"]["battery_adc"] in (26, 27, 28)


@given(st.sampled_from(VALID), st.data(), st.integers(-2**40, 2**40))
def test_any_integer_anywhere_is_refused_or_valid(base, data, n):
    d = json.loads(json.dumps(base))
    path = data.draw(st.sampled_from(sorted(paths(d))))
    parent(d, path)[path[-1]] = n
    outcome(json.dumps(d))


@given(st.text(max_size=300))
def test_random_text_is_refused_or_valid(text):
    outcome(text)


@given(st.binary(max_size=300))
def test_random_bytes_decoded_as_text_are_refused(raw):
    assert outcome(raw.decode("latin-1")) is None
    assert outcome(raw) is None  # bytes, not str


@given(st.sampled_from(CONFIGS), st.data())
def test_a_cut_or_corrupted_file_is_refused_or_valid(path, data):
    text = path.read_text()
    i = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=4))
    outcome(text[:i])
    outcome(text[:i] + junk + text[i + len(junk):])


def test_deep_nesting_is_refused_not_a_recursion_crash():
    assert outcome("[" * 2040 + "]" * 2040) is None  # under the 4096-character cap
    assert outcome('{"name": ' + "[" * 2000 + "]" * 2000 + "}") is None
