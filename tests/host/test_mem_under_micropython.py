"""`mem`'s largest block against the VM's own count, on a heap fragmented on purpose.

micropython.mem_info() prints "max free sz" (the longest run of free GC blocks) but only
to stdout, the console's stream, so the firmware cannot use it; a test can. The probes
must never claim more than that run, and may fall short only by the few blocks of their
own garbage that land in it (console/cmd_mem.py)."""
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import gc, sys, micropython
sys.path.insert(0, %r)
from console import cmd_mem
keep = [None] * 400
junk = [None] * 200
for i in range(200):  # 1 KiB holes between small blocks that stay
    keep[i] = bytearray(48 + (i %% 5) * 16)
    junk[i] = bytearray(1024)
try:  # then fill the rest, so the holes are all that is left free
    for i in range(200, 400):
        keep[i] = bytearray(2048)
except MemoryError:
    pass
junk = None
gc.collect()  # the test's own collection, to open the holes; mem never collects
micropython.mem_info()
print("measure", *cmd_mem.measure(), cmd_mem._BLOCK)
"""


def test_the_largest_block_is_the_longest_free_run_or_a_few_blocks_less(micropython_exe):
    proc = subprocess.run(
        [micropython_exe, "-X", "heapsize=256K", "-c", SCRIPT % str(REPO / "firmware")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run_blocks = int(re.search(r"max free sz: (\d+)", proc.stdout).group(1))
    free_vm = int(re.search(r"GC: total: \d+, used: \d+, free: (\d+)", proc.stdout).group(1))
    free, used, block, block_size = (int(w) for w in re.search(
        r"^measure (\d+) (\d+) (\d+) (\d+)$", proc.stdout, re.M).groups())
    run = run_blocks * block_size
    assert free_vm - 16 * block_size <= free <= free_vm, proc.stdout  # print() came between
    assert run < free // 4, proc.stdout  # the heap really is fragmented
    assert run - 16 * block_size <= block <= run, proc.stdout
    assert block % block_size == 0 and used > 0
