"""`pumpctl run FILE`: a transcript of `> line` and every line of the reply; exit 0 only if
every line answered as the file says (OK, or ERR where it ends in `# expect ERR`)."""
import subprocess
import sys

from fake_firmware.harness import FAKE_FIRMWARE


def run_file(tmp_path, text, *extra):
    script = tmp_path / "session.txt"
    script.write_text(text)
    return subprocess.run(
        [sys.executable, "-m", "pumpctl.cli", "run", str(script), "--firmware",
         str(FAKE_FIRMWARE), "--timeout", "10", *extra],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def test_a_file_that_answers_as_written_exits_zero_with_a_transcript(tmp_path):
    proc = run_file(tmp_path, "# a session\n\nstatus\nevent   # events come too\n"
                              "bogus # expect ERR\necho hi # a comment, not sent\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "# a session",
        "> status",
        [l for l in proc.stdout.splitlines() if l.startswith("OK state=idle")][0],
        "> event   # events come too",
        "! tick n=1",
        "OK",
        "> bogus # expect ERR",
        "ERR 2 unknown command: bogus",
        "> echo hi # a comment, not sent",
        "hi",
        "OK",
    ]


def test_an_unexpected_err_exits_one_and_names_the_line(tmp_path):
    proc = run_file(tmp_path, "status\nbogus\nstatus\n")
    assert proc.returncode == 1
    assert proc.stdout.count("> status") == 2  # played to the end, not stopped at line 2
    assert "session.txt:2: bogus: got ERR 2 unknown command: bogus" in proc.stderr


def test_an_ok_where_err_was_expected_exits_one(tmp_path):
    proc = run_file(tmp_path, "status # expect ERR\n")
    assert proc.returncode == 1
    assert "session.txt:1: status: expected ERR, got OK" in proc.stderr


def test_a_power_cut_in_the_middle_shows_the_boot_and_goes_on(tmp_path):
    proc = run_file(tmp_path, "status\nsim power-cut\nstatus\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    at = lines.index("> sim power-cut")
    assert lines[at + 1:at + 4] == ["OK", "fake firmware (boot 2)", "! ready fake=1 boots=2"]
    assert lines[at + 5].startswith("OK state=idle boots=2")


def test_a_board_that_stops_answering_exits_two(tmp_path):
    proc = run_file(tmp_path, "slow 5000\nstatus\n", "--timeout", "1")
    assert proc.returncode == 2
    assert "no OK/ERR for 'slow 5000'" in proc.stderr
    assert "> status" not in proc.stdout


def test_a_reply_longer_than_the_timeout_that_keeps_sending_events_is_not_cut(tmp_path):
    # 1.6 s of work against --timeout 1: each event moves the deadline on (a long `sim
    # advance` on a busy machine); the silent `slow 5000` above is still cut.
    proc = run_file(tmp_path, "ticks 4 400\nstatus\n", "--timeout", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:6] == ["> ticks 4 400", "! tick n=1", "! tick n=2", "! tick n=3",
                         "! tick n=4", "OK"]
    assert lines[6] == "> status"


def test_no_pin_shows_in_the_transcript_or_the_verdict(tmp_path):
    # The real firmware (no --firmware): a first PIN, a login, and a wrong PIN whose
    # ERR 77 is a surprise, so the verdict names that line too.
    script = tmp_path / "pins.pump"
    script.write_text("pin 2468\nlogin 2468   # the clinician\nlogin 13579\n")
    proc = subprocess.run([sys.executable, "-m", "pumpctl.cli", "run", "--sim", str(script)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert [x for x in lines if x.startswith(">")] == [
        "> pin ****", "> login ****   # the clinician", "> login ****"]
    assert "OK pin=set" in lines and "OK role=clinician session_s=900" in lines
    assert "pins.pump:3: login ****: got ERR 77" in proc.stderr
    for pin in ("2468", "13579"):
        assert pin not in proc.stdout + proc.stderr
