"""A stand-in for firmware/main.py in the host tests: speaks the console protocol
(docs/protocol.md) under MicroPython with no pump behind it. Test fixture only.

One command a line; each gets data lines, then one final OK or ERR. `! ` lines are events.
Ctrl-C drops to the REPL only while not "running", as the real firmware must. Commands:
status | echo WORDS | start | stop | event | log N | slow MS | ticks N MS |
sim power-cut | sim crash-loop.
The file named by PUMP_WORLD counts boots across power cuts (the simulated world)."""
import os
import select
import sys
import time

CTRL_C = 3  # ctrl-C: drop to the REPL, unless running
MAX_LINE = 200


def out(text):
    sys.stdout.write(text + "\r\n")


def world_boots():
    path = os.getenv("PUMP_WORLD")
    boots = 0
    try:
        with open(path) as f:
            boots = int(f.read())
    except (OSError, ValueError, TypeError):
        pass
    boots += 1
    if path:
        with open(path, "w") as f:
            f.write(str(boots))
    return boots


def crash_flag():
    try:
        os.stat("crash-loop")
        return True
    except OSError:
        return False


def run():
    if crash_flag():
        sys.exit(7)  # dies at boot, again and again: the launcher must back off
    boots = world_boots()
    started = time.ticks_ms()
    out("fake firmware (boot %d)" % boots)
    out("! ready fake=1 boots=%d" % boots)
    poller = select.poll()
    poller.register(sys.stdin, select.POLLIN)
    running = False
    line = bytearray()
    too_long = False
    while True:
        if not poller.poll(100):
            continue
        b = sys.stdin.buffer.read(1)
        if not b:
            return
        c = b[0]
        if c == CTRL_C:
            if running:
                out("! ctrl-c ignored: running")
                continue
            return  # to the REPL, as a stopped pump does
        if c not in (10, 13):
            if len(line) >= MAX_LINE:
                too_long = True
            else:
                line.append(c)
            continue
        if not line and not too_long:
            continue
        text = line.decode()
        line = bytearray()
        if too_long:
            too_long = False
            out("ERR 3 line too long")
            continue
        words = text.split()
        if words == ["status"]:
            out("OK state=%s boots=%d uptime_ms=%d" % (
                "running" if running else "idle", boots, time.ticks_diff(time.ticks_ms(), started)))
        elif words and words[0] == "echo":
            out(text[5:])
            out("OK")
        elif words == ["start"]:
            running = True
            out("OK state=running")
        elif words == ["stop"]:
            running = False
            out("OK state=idle")
        elif len(words) == 2 and words[0] == "log":
            for i in range(int(words[1])):
                out("seq=%d event=boot boots=%d" % (i, boots))
            out("OK entries=%s" % words[1])
        elif words == ["event"]:
            out("! tick n=1")
            out("OK")
        elif len(words) == 2 and words[0] == "slow":
            time.sleep_ms(int(words[1]))
            out("OK")
        elif len(words) == 3 and words[0] == "ticks":  # slow, but saying so on the way
            for i in range(int(words[1])):
                time.sleep_ms(int(words[2]))
                out("! tick n=%d" % (i + 1))
            out("OK")
        elif words == ["sim", "power-cut"]:
            out("OK")
            sys.exit(0)  # the power goes off
        elif words == ["sim", "crash-loop"]:
            with open("crash-loop", "w") as f:
                f.write("1")
            out("OK")
            sys.exit(0)
        else:
            out("ERR 2 unknown command: " + text)


run()
