"""`pumpctl run --emu` plays a script on a fresh emulated Pico, as `--sim` does on the
virtual one; its exit status says whether every line answered as written."""
import subprocess
import sys

SCRIPT = """status
basal 00:00=1mg/d     # expect ERR
pin 2468
login 2468
mem
logout
"""


def test_run_plays_a_script_on_a_fresh_emulated_pico(tmp_path):
    script = tmp_path / "s.pump"
    script.write_text(SCRIPT)
    proc = subprocess.run([sys.executable, "-m", "pumpctl.cli", "run", "--emu", str(script)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert "OK heap_free=" in proc.stdout and "ERR " in proc.stdout


def test_a_line_answered_otherwise_fails_the_run(tmp_path):
    script = tmp_path / "s.pump"
    script.write_text("basal 00:00=1mg/d\n")  # no login: refused, and not expected to be
    proc = subprocess.run([sys.executable, "-m", "pumpctl.cli", "run", "--emu", str(script)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
