"""The virtual Pico behaves as a board to pyserial and mpremote: replies by path, the raw
REPL, soft resets that boot main.py from flash, process exits as power cycles, a crash
loop that ends in safe mode, and no VM left behind. Runs the fake firmware."""
import os
import signal
import time

import pytest

from fake_firmware.harness import (open_port, pid_alive, mpremote, read_until, start_fake,
                           vm_pids)

READY_1 = b"! ready fake=1 boots=1\r\n"
READY_2 = b"! ready fake=1 boots=2\r\n"


@pytest.fixture
def vp(tmp_path):
    board = start_fake(tmp_path)
    try:
        yield board
    finally:
        board.stop()


@pytest.fixture
def ser(vp):
    port = open_port(vp.port)
    try:
        read_until(port, READY_1)
        yield port
    finally:
        port.close()


def test_pyserial_opens_the_port_by_path_and_gets_replies(vp, ser):
    ser.write(b"status\n")
    assert read_until(ser, b"\r\n").startswith(b"OK state=idle boots=1")
    ser.write(b"nonsense\r\n")
    assert read_until(ser, b"\r\n") == b"ERR 2 unknown command: nonsense\r\n"


def test_the_stable_link_names_the_same_port(vp, ser):
    assert os.path.realpath(vp.link) == vp.port
    with open_port(vp.link) as second:
        second.write(b"echo via link\n")
        assert read_until(ser, b"OK\r\n") == b"via link\r\nOK\r\n"


def test_closing_and_reopening_the_port_does_not_hang_up_the_board(vp, ser):
    ser.close()
    with open_port(vp.port) as again:
        again.reset_input_buffer()
        again.write(b"status\n")
        assert b"OK state=idle boots=1" in read_until(again, b"uptime_ms")


def test_ctrl_c_while_idle_drops_to_the_repl_and_ctrl_d_boots_main_again(vp, ser):
    ser.write(b"\x03")  # ctrl-C: the idle fake firmware returns to the REPL
    banner = read_until(ser, b">>> ")
    assert b'Type "help()" for more information.' in banner
    ser.write(b"6*7\r")
    assert b"42" in read_until(ser, b">>> ")
    ser.write(b"\x04")  # ctrl-D: soft reset
    boot = read_until(ser, READY_2)
    assert b"MPY: soft reboot\r\n" in boot
    assert b"fake firmware (boot 2)" in boot


def test_ctrl_c_while_running_is_the_firmwares_to_ignore(vp, ser):
    ser.write(b"start\n")
    read_until(ser, b"OK state=running\r\n")
    ser.write(b"\x03")
    read_until(ser, b"! ctrl-c ignored: running\r\n")
    ser.write(b"status\n")
    assert b"OK state=running" in read_until(ser, b"uptime_ms")


def test_a_process_exit_is_a_power_cycle_without_repl_or_soft_reboot(vp, ser):
    ser.write(b"sim power-cut\n")
    got = read_until(ser, READY_2)  # boots=2: the world file outlived the power cut
    assert got.startswith(b"OK\r\n")
    assert b"soft reboot" not in got and b">>> " not in got
    ser.write(b"status\n")
    assert b"OK state=idle boots=2" in read_until(ser, b"uptime_ms")


def test_mpremote_resume_exec_runs_code_on_the_board(vp, ser):
    ser.close()  # mpremote opens the port itself; output meanwhile waits in the pty
    proc = mpremote(vp.port, "resume", "exec", "print(1+1)")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "2"


def test_mpremote_resume_fs_ls_and_cp_both_ways(vp, ser, tmp_path):
    ser.close()
    proc = mpremote(vp.port, "resume", "fs", "ls")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "main.py" in proc.stdout
    local = tmp_path / "note.txt"
    local.write_bytes(b"line one\nline two\x00\xff\n")
    proc = mpremote(vp.port, "resume", "fs", "cp", str(local), ":note.txt")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (vp.flash / "note.txt").read_bytes() == local.read_bytes()
    back = tmp_path / "back.txt"
    proc = mpremote(vp.port, "resume", "fs", "cp", ":main.py", str(back))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert back.read_bytes() == (vp.flash / "main.py").read_bytes()


def test_mpremote_soft_reset_in_the_raw_repl_stays_out_of_main(vp, ser):
    """mpremote's usual connect: ctrl-C, ctrl-A, ctrl-D soft reset in the raw REPL, as on
    a board the reset VM comes back to the raw REPL and main.py does not run."""
    ser.close()
    proc = mpremote(vp.port, "exec", "import sys; print(sys.platform)")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "linux"
    assert "boot 2 (raw)" in vp.log_text()
    with open_port(vp.port) as again:
        again.write(b"\r\x04")  # friendly REPL after mpremote's ctrl-B; ctrl-D: reset
        got = read_until(again, READY_2)
        assert b"MPY: soft reboot" in got


def test_a_bare_board_goes_straight_to_the_repl(tmp_path):
    vp = start_fake(tmp_path, firmware=None)
    try:
        with open_port(vp.port) as ser:
            banner = read_until(ser, b">>> ")  # no main.py: the REPL's banner at once
            assert b'Type "help()"' in banner
            ser.write(b"import os; os.listdir()\r")
            assert b"[]" in read_until(ser, b">>> ")
    finally:
        vp.stop()


def test_a_firmware_dying_at_boot_ends_in_safe_mode_then_boots_again(vp, ser):
    ser.write(b"sim crash-loop\n")
    got = read_until(ser, b">>> ", timeout=20)
    assert b"not restarting it. Safe mode" in got
    assert got.count(b"! ready") == 0
    (vp.flash / "crash-loop").unlink()  # repaired, as mpremote would do
    ser.write(b"\x04")  # ctrl-D: soft reset, main.py again
    assert b"! ready fake=1 boots=2" in read_until(ser, READY_2)


def test_stopping_leaves_no_vm_behind(vp, ser):
    ser.write(b"sim power-cut\n")
    read_until(ser, READY_2)
    pids = vm_pids(vp)
    assert len(pids) == 2 and not pid_alive(pids[0]) and pid_alive(pids[1])
    vp.stop()
    deadline = time.monotonic() + 5
    while pid_alive(pids[1]) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not pid_alive(pids[1])
    assert not os.path.lexists(vp.link)


def test_a_killed_launcher_takes_its_vm_with_it(vp, ser):
    pid = vm_pids(vp)[-1]
    os.kill(vp.proc.pid, signal.SIGKILL)  # no cleanup code runs in the launcher
    vp.proc.wait(timeout=5)
    deadline = time.monotonic() + 5
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not pid_alive(pid)


def test_a_soft_reset_runs_the_main_py_now_in_the_flash(vp, ser, tmp_path):
    ser.close()
    changed = tmp_path / "main.py"
    changed.write_text((vp.flash / "main.py").read_text().replace(
        '"fake firmware (boot %d)"', '"fake firmware v2 (boot %d)"'))
    proc = mpremote(vp.port, "resume", "fs", "cp", str(changed), ":main.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open_port(vp.port) as again:
        again.write(b"\r\x04")  # ctrl-D at the friendly REPL mpremote left: soft reset
        assert b"fake firmware v2 (boot 2)" in read_until(again, READY_2)


def test_mpremote_connects_through_the_stable_link(vp, ser):
    ser.close()
    proc = mpremote(vp.link, "resume", "exec", "import os; print(os.getcwd() == %r)"
                    % str(vp.flash.resolve()))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "True"
