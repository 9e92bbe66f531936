"""What the live console completes and how it shows `status` (issue 18, item 3): the
words come from the firmware's own tables, and the status view fits 80 columns without
losing a pair. Pure: no terminal, no board."""
import string

from hypothesis import given, strategies as st

from console.commands import COMMANDS
from pump.alarms import TABLE
from pumpctl import bundled, status_view
from pumpctl.client import Reply
from pumpctl.console_words import HOST_WORDS, Words

WORDS = Words.of_firmware(bundled.FIRMWARE)


def test_the_words_are_the_firmware_tables_read_from_its_source():
    assert WORDS.commands == tuple(row[0] for row in COMMANDS)
    assert WORDS.alarms == tuple(row[0] for row in TABLE)


def test_a_firmware_without_the_tables_leaves_only_pumpctls_own_words(tmp_path):
    bare = Words.of_firmware(tmp_path)
    assert bare.commands == bare.alarms == ()
    assert bare.candidates("") == (list(HOST_WORDS), 0)


def test_the_first_word_completes_to_a_command_whatever_its_case():
    assert WORDS.candidates("sta") == (["status", "start"], 3)
    assert WORDS.candidates("  STA") == (["status", "start"], 3)
    assert WORDS.candidates("reservoir") == (["reservoir-alarm"], 9)
    assert "exit" in WORDS.candidates("")[0] and "login" in WORDS.candidates("")[0]


def test_after_ack_come_alarm_names_after_help_commands_after_status_raw():
    assert WORDS.candidates("ack ") == (list(WORDS.alarms), 0)
    assert WORDS.candidates("ACK batt") == (["battery_eos", "battery_eri"], 4)
    assert WORDS.candidates("ack occ") == (["occlusion"], 3)
    assert WORDS.candidates("help bas") == (["basal", "basal+"], 3)
    assert WORDS.candidates("status r") == (["raw"], 1)


def test_nothing_is_offered_after_a_pin_command_or_past_the_second_word():
    for typed in ("login ", "pin 24", "ack occlusion ", "bolus ", "sim fault occ"):
        assert WORDS.candidates(typed)[0] == [], typed


# ----- the status view -----
BOARD_STATUS = Reply("status", [
    "delivery uptime_ms=3015 steps=0 step_nl_num=5061519 step_nl_den=3616 ideal_pg=0 "
    "conc_ng_ml=- low_nl=-"], [],
    "OK time=2026-01-01T07:05:00 state=running reservoir_nl=39850227 delivered_ng=0 "
    "basal_ng_d=800000 boluses_24h=1 next_bolus_s=3600 next_bolus_why=lockout step_nl=1400 "
    "low_alarm_at=2026-02-18T10:31:00 low_alarm_worst_at=2026-02-17T01:00:00 "
    "empty_at=2026-02-20T11:00:00 empty_worst_at=2026-02-19T10:00:00 "
    "alarms=battery_eri,low_reservoir,withdrawal_risk "
    "drugs=hydromorphone:1000000,ropivacaine:2500000,clonidine:75000,morphine:10000000")


def _pairs(reply):
    out = list(reply.fields.items())
    for line in reply.lines:
        out += [tuple(w.split("=", 1)) for w in line.split() if "=" in w]
    return out


def _all_there(reply, lines):
    """Every key is followed by its value with only blanks and line breaks between, and
    every data line's title shows: nothing was lost or torn from its key."""
    text = "".join("\n".join(lines).split())
    missing = [k + "=" + v for k, v in _pairs(reply) if k + v not in text]
    titles = [line.split()[0] for line in reply.lines if line.split()[0] not in lines]
    return missing + titles


def test_a_boards_status_shows_in_aligned_columns_within_80_with_every_pair():
    lines = status_view.render(BOARD_STATUS)
    assert max(len(line) for line in lines) <= 80
    assert not _all_there(BOARD_STATUS, lines)
    assert lines[0].split() == ["time", "2026-01-01T07:05:00", "next_bolus_why", "lockout"]
    assert "delivery" in lines
    # The long value is cut after a comma and carries on under itself.
    drugs = [line for line in lines if "drugs" in line][0]
    assert drugs.endswith(",") and lines[lines.index(drugs) + 1].lstrip().startswith("m")


def test_a_narrower_terminal_gets_a_narrower_view():
    for width in (60, 40, 24):
        lines = status_view.render(BOARD_STATUS, width)
        assert max(len(line) for line in lines) <= width, width
        assert not _all_there(BOARD_STATUS, lines)


_word = st.text(string.ascii_letters + string.digits + "_-:,.", min_size=1, max_size=40)


@given(st.dictionaries(_word.filter(lambda w: "=" not in w), st.one_of(
    _word, st.text(string.ascii_lowercase + ",", max_size=200)), max_size=25),
    st.integers(min_value=20, max_value=120))
def test_any_status_reply_fits_the_width_and_keeps_every_pair(fields, width):
    final = "OK " + " ".join("%s=%s" % kv for kv in fields.items())
    reply = Reply("status", ["delivery " + final[3:]], [], final.rstrip())
    lines = status_view.render(reply, width)
    assert all(len(line) <= width for line in lines), lines
    assert not _all_there(reply, lines)
