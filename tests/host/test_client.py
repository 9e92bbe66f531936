"""The serial client: replies split into data lines, events and one final line; every
wait ends at its gap or its deadline; lines the board could not take are never sent.
First against an in-memory port, then against the virtual Pico running the fake firmware."""
import time

import pytest

from fake_firmware.harness import start_fake
from pumpctl import repl
from pumpctl.client import MAX_LINE, AtRepl, PumpClient, ReplyTimeout, check_line


class LoopPort:
    """pyserial's read/write/in_waiting/timeout over a script: each line written gets
    the bytes answer(line) returns. An empty read waits out the timeout, as pyserial's."""

    def __init__(self, answer):
        self.answer = answer
        self.incoming = bytearray()
        self.written = []
        self.timeout = 0.1

    @property
    def in_waiting(self):
        return len(self.incoming)

    def write(self, data):
        self.written.append(bytes(data))
        self.incoming += self.answer(bytes(data))

    def flush(self):
        pass

    def read(self, n):
        if not self.incoming:
            time.sleep(self.timeout)
            return b""
        got = bytes(self.incoming[:n])
        del self.incoming[:n]
        return got

    def reset_input_buffer(self):
        self.incoming.clear()

    def close(self):
        pass


def test_an_ok_reply_has_its_data_lines_events_and_fields_apart():
    port = LoopPort(lambda _line: b"! alarm low_reservoir\r\nline one\nline two\r\n"
                                  b"OK state=running reservoir_nl=39000 alarms=a,b\r\n")
    reply = PumpClient(port).command("status")
    assert port.written == [b"status\n"]
    assert reply.ok and reply.code is None
    assert reply.lines == ["line one", "line two"]
    assert reply.events == ["! alarm low_reservoir"]
    assert reply.fields == {"state": "running", "reservoir_nl": "39000", "alarms": "a,b"}
    assert reply.received == ["! alarm low_reservoir", "line one", "line two",
                              "OK state=running reservoir_nl=39000 alarms=a,b"]


def test_an_err_reply_carries_its_code_and_message():
    reply = PumpClient(LoopPort(lambda _l: b"ERR 12 bolus refused: lockout\r\n")).command("bolus")
    assert not reply.ok
    assert (reply.code, reply.message) == (12, "bolus refused: lockout")


def test_a_bare_ok_is_final_but_okay_is_a_data_line():
    reply = PumpClient(LoopPort(lambda _l: b"OKAY so far\nOK\n")).command("help")
    assert reply.ok and reply.lines == ["OKAY so far"] and reply.fields == {}


@pytest.mark.parametrize("line", ["x" * (MAX_LINE + 1), "status\nstart", "basal 08:00=5\u00b5g/d"])
def test_a_line_the_board_could_not_take_is_never_sent(line):
    port = LoopPort(lambda _l: b"OK\n")
    with pytest.raises(ValueError):
        PumpClient(port).command(line)
    assert port.written == []


def test_a_line_of_exactly_the_limit_is_sent():
    assert len(check_line("x" * MAX_LINE)) == MAX_LINE


def test_no_final_line_ends_at_the_deadline_with_what_came():
    port = LoopPort(lambda _l: b"half a reply\n")
    started = time.monotonic()
    with pytest.raises(ReplyTimeout) as caught:
        PumpClient(port).command("status", timeout=0.5)
    took = time.monotonic() - started
    assert 0.5 <= took < 1.5
    assert caught.value.lines == ["half a reply"]


def test_a_pin_line_that_gets_no_reply_is_named_with_its_pin_masked():
    port = LoopPort(lambda _l: b"")
    client = PumpClient(port)
    with pytest.raises(ReplyTimeout) as caught:
        client.command("login 2468", timeout=10, gap=0.2)
    assert "'login ****'" in str(caught.value) and "2468" not in str(caught.value)
    assert port.written == [b"login 2468\n"]  # masked where shown, never where sent
    with pytest.raises(ValueError) as caught:
        check_line("pin 2468\rstatus")
    assert "2468" not in str(caught.value)


def test_the_gap_timeout_ends_a_wait_before_the_deadline():
    port = LoopPort(lambda _l: b"")
    started = time.monotonic()
    with pytest.raises(ReplyTimeout):
        PumpClient(port).command("status", timeout=10, gap=0.3)
    assert time.monotonic() - started < 1.5


class TimedPort(LoopPort):
    """A LoopPort whose answer comes piece by piece: answer(line) gives [(seconds after
    the write, bytes)], each readable only from its time on."""

    def __init__(self, answer):
        super().__init__(answer)
        self.pending = []

    def write(self, data):
        self.written.append(bytes(data))
        now = time.monotonic()
        self.pending = [(now + after, chunk) for after, chunk in self.answer(bytes(data))]

    @property
    def in_waiting(self):
        self._arrive()
        return len(self.incoming)

    def _arrive(self):
        now = time.monotonic()
        self.incoming += b"".join(c for at, c in self.pending if at <= now)
        self.pending = [(at, c) for at, c in self.pending if at > now]

    def read(self, n):
        self._arrive()
        if not self.incoming:
            time.sleep(self.timeout)
            self._arrive()
        return super().read(n) if self.incoming else b""


def ticking(every_s, count, then=b"OK\n"):
    return lambda _line: [(every_s * (i + 1), b"! tick n=%d\n" % (i + 1))
                          for i in range(count)] + [(every_s * (count + 1), then)]


def test_a_reply_that_keeps_sending_events_is_not_cut_by_the_timeout():
    # 1.2 s of work against a 0.5 s timeout: every event shows the board is at it.
    seen = []
    started = time.monotonic()
    reply = PumpClient(TimedPort(ticking(0.2, 5))).command("run", timeout=0.5,
                                                            on_line=seen.append)
    assert time.monotonic() - started >= 1.2
    assert reply.ok and len(reply.events) == 5
    assert seen == reply.received  # each line handed out as it came


def test_a_reply_that_falls_silent_still_times_out_after_its_last_line():
    port = TimedPort(lambda _line: [(0.1, b"! tick n=1\n"), (3.0, b"OK\n")])
    started = time.monotonic()
    with pytest.raises(ReplyTimeout) as caught:
        PumpClient(port).command("run", timeout=0.5)
    assert 0.6 <= time.monotonic() - started < 1.5
    assert caught.value.lines == ["! tick n=1"]


@pytest.mark.parametrize("line, answers", [("sim advance 2d", True),
                                           ("sim advance 1h", False), ("status", False)])
def test_a_sim_advance_may_stay_silent_one_timeout_more_per_simulated_day(line, answers):
    # The firmware walks the days before its OK and says nothing meanwhile: 2 days get
    # three timeouts (0.9 s), an hour or another command one (0.3 s); the OK is at 0.7 s.
    port = TimedPort(lambda _line: [(0.7, b"OK\n")])
    if answers:
        assert PumpClient(port).command(line, timeout=0.3).ok
    else:
        with pytest.raises(ReplyTimeout):
            PumpClient(port).command(line, timeout=0.3)


def test_wait_ready_keeps_the_banner_apart():
    port = LoopPort(lambda _l: b"")
    port.incoming += b"MPY: soft reboot\r\nfirmware 0.1\r\n! alarm x\r\n! ready v=1\r\n"
    client = PumpClient(port)
    assert client.wait_ready(1.0) == "! ready v=1"
    assert client.seen_before_ready == ["MPY: soft reboot", "firmware 0.1", "! alarm x"]


# ----- against the virtual Pico -----
@pytest.fixture
def client(tmp_path):
    vp = start_fake(tmp_path)
    try:
        with PumpClient(vp.port) as c:
            c.wait_ready(10)
            yield c
    finally:
        vp.stop()


@pytest.mark.slow  # each boots a virtual Pico (the last waits ~3 s)
def test_the_virtual_pico_answers_through_the_client(client):
    reply = client.command("status", timeout=5)
    assert reply.ok and reply.fields["state"] == "idle" and reply.fields["boots"] == "1"
    reply = client.command("event", timeout=5)
    assert reply.ok and reply.events == ["! tick n=1"]
    reply = client.command("no such thing", timeout=5)
    assert reply.code == 2 and reply.message == "unknown command: no such thing"


@pytest.mark.slow
def test_after_a_power_cut_the_next_command_is_answered_by_the_rebooted_firmware(client):
    assert client.command("sim power-cut", timeout=5).ok
    reply = client.command("status", timeout=10)
    assert reply.ok and reply.fields["boots"] == "2"
    assert client.seen_before_ready == ["fake firmware (boot 2)"]


@pytest.mark.slow
def test_an_over_long_line_sent_raw_gets_err_and_the_console_lives_on(client):
    client.write_raw(b"y" * 300 + b"\n")
    assert client.read_line(5, time.monotonic() + 5) == "ERR 3 line too long"
    assert client.command("status", timeout=5).ok


@pytest.mark.slow
def test_a_slow_reply_beyond_the_deadline_times_out_and_the_next_one_is_clean(client):
    with pytest.raises(ReplyTimeout):
        client.command("slow 1500", timeout=0.5)
    client.drain(quiet=2.0, overall=3.0)  # the late OK is dropped here
    assert client.command("echo after", timeout=5).lines == ["after"]


def test_a_second_client_on_one_port_is_refused_and_told_who_holds_it():
    import os
    from pumpctl.client import ClientError, PumpClient
    master, slave = os.openpty()
    path = os.ttyname(slave)
    try:
        first = PumpClient(path)
        try:
            with pytest.raises(ClientError) as err:
                PumpClient(path)
            assert "in use by pid %d " % os.getpid() in str(err.value), str(err.value)
        finally:
            first.close()
        PumpClient(path).close()  # free again once the first has let go
    finally:
        os.close(master)
        os.close(slave)


def test_what_came_after_a_reply_in_the_same_read_is_handed_out_once():
    # A deploy read the REPL's prompt straight from the port after `repl confirm`; when
    # the prompt had come in the reply's own read it sat in the client's buffer, unseen.
    from pumpctl import deploy
    port = LoopPort(lambda _line: b"OK repl=1\r\n! repl by=clinician\r\n>>> ")
    c = PumpClient(port)
    assert c.command("repl confirm").ok
    assert deploy._read_for(c, (deploy.PROMPT,), 0.5).endswith(b">>> ")
    assert c.take_buffered() == b""


# ----- a board at the MicroPython REPL (issue 18, item 6) -----
REPL_ANSWER = (b"status\r\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, "
               b"in <module>\nNameError: name 'status' isn't defined\n>>> ")


def test_a_line_answered_by_the_repls_prompt_is_said_at_once_not_after_the_timeout():
    port = LoopPort(lambda _line: REPL_ANSWER)
    start = time.monotonic()
    with pytest.raises(AtRepl) as raised:
        PumpClient(port).command("status", timeout=30.0)
    assert time.monotonic() - start < 2.0
    assert raised.value.kind == "friendly"
    assert "MicroPython REPL" in str(raised.value)
    assert raised.value.lines[-1] == "NameError: name 'status' isn't defined"


def test_the_raw_repls_prompt_after_its_banner_is_recognised():
    port = LoopPort(lambda _line: b"")  # the raw REPL takes a line without a word
    port.incoming += b"\r\nraw REPL; CTRL-B to exit\r\n>"
    with pytest.raises(AtRepl) as raised:
        PumpClient(port).command("status", timeout=30.0)
    assert raised.value.kind == "raw"


def test_a_reply_line_holding_the_prompt_is_not_the_repl():
    port = LoopPort(lambda _line: b"note >>> here\r\n>\r\nOK\r\n")
    assert PumpClient(port).command("status", timeout=5.0).lines == ["note >>> here", ">"]


def test_restart_soft_resets_a_board_at_the_repl_and_waits_for_its_firmware():
    def board(data):
        if data == repl.PROBE:
            return b"\r\n>>> \r\nMicroPython v1\r\nType \"help()\" for more information.\r\n>>> "
        if data == repl.CTRL_D:
            return b"\r\nMPY: soft reboot\r\n! ready firmware=0.2.0\r\n"
        return b""
    port = LoopPort(board)
    assert repl.restart(PumpClient(port)) == "! ready firmware=0.2.0"
    assert port.written == [repl.PROBE, repl.CTRL_D]


def test_restart_leaves_a_running_firmware_alone():
    port = LoopPort(lambda data: b"! ctrl-c ignored: the pump is running\r\n"
                    if data == repl.PROBE else b"")
    assert repl.restart(PumpClient(port)) is None
    assert port.written == [repl.PROBE]  # no ctrl-D: nothing reset


def test_restart_resets_nothing_when_nothing_answers():
    port = LoopPort(lambda _data: b"")
    with pytest.raises(repl.RestartError):
        repl.restart(PumpClient(port))
    assert port.written == [repl.PROBE]
