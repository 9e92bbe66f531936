"""pumpctl: the host's command line for the pump console. One do_<verb>(args) per
subcommand; the protocol lives in client.py, the virtual Pico in virtual_pico.py (its
launcher: vpico_launcher.py).

Bench use only, never connected to a patient. Errors from below are turned into one
line with a hint here, and only here, and no input ends in a traceback; exit status 0
means everything answered as expected, 1 that the board answered otherwise (ERR, or OK
where ERR was expected, or a script line that could not be sent), 2 that the board could
not be reached or stopped answering, 3 that the command line or a file it names was
refused, 4 a bug in pumpctl (options.py; docs/virtual_pico.md)."""
import csv
import os
import shutil
import signal
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from pumpctl import (boards, bundled, options, pins, record, repl, script,
                     virtual_pico, vpico_launcher)
from pumpctl.progress import Progress
from pumpctl.client import AtRepl, ClientError, PumpClient, ReplyTimeout
from pumpctl.console_words import EXIT, RAW
from pumpctl.deploy import DEFAULT_OPT, BuildError, DeployError, deploy
from pumpctl.options import (EXIT_ANSWER, EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK,
                             EXIT_UNREACHABLE, EXIT_USAGE)

READY_S = 20.0
PROMPT = "pump> "
EMU_READY_S = 180.0  # the emulated RP2040 boots in ~2 s of its time, ~10 s of ours


class CommandError(Exception):
    """The verb could not be done: EXIT_UNREACHABLE, with this one line."""


class UsageError(CommandError):
    """The command line or a file it names was refused: EXIT_USAGE."""


def _sim_from_args(args):
    firmware = args.firmware or virtual_pico.FIRMWARE
    return virtual_pico.VirtualPico(firmware=firmware, board_config=args.board)


def _emu(args, **kw):
    from pumpctl.emu.board import EmuPico
    return EmuPico(getattr(args, "state", None), board_config=args.board,
                   firmware=args.firmware or virtual_pico.FIRMWARE,
                   uf2=getattr(args, "uf2", None), **kw)


class Connection:
    """The client for --port, or for a fresh virtual Pico (--sim, or no --port where a
    fresh one is the default) or emulated Pico (--emu); either ends with the
    connection."""

    def __init__(self, args, sim_default=False):
        self.sim = None
        port = getattr(args, "port", None)
        if getattr(args, "emu", False):
            if port is not None:
                raise UsageError("--emu starts its own board: leave out --port")
            from pumpctl.emu.board import EmuError
            from pumpctl.emu.assets import AssetError
            try:
                self.sim = _emu(args).start()
                self.client = PumpClient(self.sim.port)
                self.client.wait_ready(EMU_READY_S)
            except (EmuError, AssetError, ClientError) as e:
                self.close()
                raise CommandError(str(e)) from e
            return
        if port is None and not (getattr(args, "sim", False) or sim_default):
            raise UsageError("say which board: --port PATH, --sim for a fresh "
                             "virtual Pico or --emu for an emulated one")
        try:
            if port is None:
                self.sim = _sim_from_args(args).start()
                port = self.sim.port
            self.client = PumpClient(port)
            if self.sim is not None:
                self.client.wait_ready(READY_S)
            else:
                self.client.drain()
        except (ClientError, virtual_pico.SimError) as e:
            self.close()
            hint = ""
            if self.sim is not None:
                hint = " (launcher log: %s)" % self.sim.log_path
            raise CommandError(str(e) + hint) from e

    def close(self):
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.sim is not None:
            self.sim.stop()

    def __enter__(self):
        return self.client

    def __exit__(self, *exc):
        self.close()


# ----- verbs -----
def do_sim(args):
    try:
        micropython = vpico_launcher.find_micropython()
        launcher = vpico_launcher.Launcher(args.state or virtual_pico.fresh_state_dir(),
                                           micropython, heap=args.heap)
    except OSError as e:  # no pty or micropython (NoVirtualPico), or no fresh state folder
        raise CommandError(str(e)) from e
    launcher.service_jumper = args.service_jumper
    flash = launcher.flash
    try:
        flash.mkdir(parents=True, exist_ok=True)
        if not args.bare and (args.reinstall or not (flash / "main.py").exists()):
            vpico_launcher.install_firmware(flash, args.firmware or virtual_pico.FIRMWARE,
                                            args.board)
    except OSError as e:
        raise UsageError("--state %s: %s" % (launcher.state, e)) from e
    # A heap too small to boot the firmware leaves a REPL no one sees: say so and stop.
    check = launcher.on_boot_output = virtual_pico.BootCheck(launcher.stop)
    signal.signal(signal.SIGTERM, launcher.stop)
    signal.signal(signal.SIGINT, launcher.stop)
    try:
        port = launcher.open()
        print("virtual Pico on %s" % port)
        print("  stable link: %s" % launcher.link)
        print("  flash: %s" % flash)
        print("  connect: pumpctl console --port %s   (or mpremote connect %s)"
              % (launcher.link, launcher.link))
        print("Ctrl-C stops it.", flush=True)
        launcher.serve()
    finally:
        launcher.close()
    if check.failed:
        raise UsageError("the firmware did not boot: %s. --heap %s is too small for it "
                         "(from source it needs about 320K; the default is %s)"
                         % (check.failed, args.heap, vpico_launcher.DEFAULT_HEAP))
    return EXIT_OK


def do_emu(args):
    from pumpctl.emu.board import EmuError
    from pumpctl.emu.assets import AssetError
    if args.state is None:
        args.state = str(virtual_pico.fresh_state_dir())
    try:
        emu = _emu(args, pace=args.pace, reinstall=args.reinstall, say=print,
                   service_jumper=args.service_jumper)
        emu.start()
    except (EmuError, AssetError) as e:
        raise CommandError(str(e)) from e
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        print("emulated Pico (MicroPython %s) on %s" % (emu.uf2.name, emu.port))
        print("  stable link: %s" % emu.link)
        print("  flash: %s (LittleFS, kept at power-off)" % emu.flash)
        print("  connect: pumpctl console --port %s   (or mpremote connect %s)"
              % (emu.link, emu.link))
        print("Ctrl-C powers it off.", flush=True)
        while not stop and emu.proc.poll() is None:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return EXIT_OK


def _history_file():
    base = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return Path(base) / "pumpctl" / "history"


def do_console(args):
    """Live on a terminal (live_console.py: events as they come, Tab, masked PINs); the
    plain line mode for piped input, or with --plain."""
    if not args.plain and sys.stdin.isatty() and sys.stdout.isatty():
        return _live_console(args)
    return _plain_console(args)


def _live_console(args):
    from pumpctl import live_console
    from pumpctl.console_words import Words
    words = Words.of_firmware(args.firmware or virtual_pico.FIRMWARE)
    with Connection(args) as client:
        print("connected; one command a line, `help` for the pump's, Tab completes; "
              "`status raw` as sent; Ctrl-C drops the line, Ctrl-D or `exit` leaves")
        live_console.run(client, words, _history_file(), PROMPT, timeout=args.timeout,
                         ready_s=READY_S, pin_line=_live_pin_line,
                         at_repl=lambda held, e: _offer_restart(held, args, e))
    return EXIT_OK


def _plain_console(args):
    try:
        import readline
    except ImportError:  # no readline (e.g. Windows): a console without history
        readline = None
    history = _history_file()
    if readline is not None:
        history.parent.mkdir(parents=True, exist_ok=True)
        try:
            readline.read_history_file(history)
        except OSError:  # the first session has no history yet
            pass
    with Connection(args) as client:
        print("connected; one command a line, `help` for the pump's, Ctrl-D or `exit` to "
              "leave")
        try:
            while True:
                _print_waiting(client)
                try:
                    raw = input(PROMPT)
                except EOFError:
                    print()
                    break
                line = raw.strip()
                if not line:
                    continue
                if line.lower().split() == [EXIT]:
                    break
                if line.lower().split() == ["status", RAW]:
                    line = "status"  # the plain mode prints every reply as it came
                try:
                    if pins.carries_pin(line):
                        line = _pin_line(raw, readline)
                    reply = client.command(line, timeout=args.timeout)
                except ValueError as e:
                    print("not sent: %s" % e)
                    continue
                except AtRepl as e:
                    _offer_restart(client, args, e)
                    continue
                for got in reply.received:
                    print(got)
                if client.reboot_pending:
                    print(client.wait_ready(READY_S))
        finally:
            if readline is not None:
                pins.forget(readline)  # also any read from an older history file
                readline.write_history_file(history)
    return EXIT_OK


def _offer_restart(client, args, at):
    """The console's line met the MicroPython REPL: say so, and restart the firmware if
    the user says yes (asked only on a terminal; a piped console is told the command)."""
    print("%s. %s" % (at, _restart_hint(args)))
    if not sys.stdin.isatty():
        return
    try:
        answer = input("restart its firmware now (Ctrl-D at the REPL: a soft reset, "
                       "main.py runs)? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        print("left at the REPL: the pump firmware is not running")
        return
    try:
        ready = repl.restart(client, READY_S)
    except repl.RestartError as e:
        print("not restarted: %s" % e)
        return
    print(ready if ready is not None else "the firmware answers again: nothing to restart")


def _restart_hint(args):
    port = getattr(args, "port", None)
    return "`pumpctl restart --port %s` restarts its firmware (a soft reset: main.py " \
        "runs)" % (port or "PORT")


def _pin_line(raw, readline):
    """The line to send for `pin`/`login` typed as `raw`, its PIN asked for unseen; never
    kept in the history. One typed with its PIN on it is refused before a byte is sent
    (ValueError): the terminal showed it as it was typed, so it is erased from the screen
    and the user told to type the word alone."""
    if readline is not None:
        pins.forget(readline)
    line = raw.strip()
    if not pins.inline(line):
        import getpass
        return pins.ask(line, getpass.getpass)
    if _terminal_echoes():
        pins.erase_echo(PROMPT + raw, shutil.get_terminal_size().columns, sys.stdout.write)
        print(PROMPT + pins.redact(line))
    raise pins.refused(line)


def _live_pin_line(raw, ask):
    """_pin_line for the live console: its line showed the PIN masked as it was typed
    (live_console.PinMask), so there is nothing to erase, but it is refused all the same:
    one rule for both modes. `ask` reads the PIN masked."""
    line = raw.strip()
    if pins.inline(line):
        raise pins.refused(line)
    return pins.ask(line, ask)


def _terminal_echoes():
    """Whether what was typed is on a screen that takes ANSI codes (not a pipe, not a
    dumb terminal): only there is an echoed line erased."""
    return (sys.stdin.isatty() and sys.stdout.isatty()
            and os.environ.get("TERM", "dumb") != "dumb")


def _print_waiting(client):
    """Events that came while the user was typing."""
    deadline = time.monotonic() + 0.05
    while True:
        line = client.read_line(0.02, deadline)
        if line is None:
            return
        print(line)


def do_run(args):
    steps = _read_script(args.file)
    with Connection(args, sim_default=True) as client:
        surprises = script.play(client, steps, out=_out, timeout=args.timeout)
    if surprises:
        print("run: %d line(s) did not answer as expected:" % len(surprises), file=sys.stderr)
        for step, why in surprises:
            print("  %s:%d: %s: %s" % (args.file, step.number, step.shown(), why),
                  file=sys.stderr)
        return EXIT_ANSWER
    return EXIT_OK


def _read_script(path):
    """A script's steps. Bytes that are not UTF-8 become U+FFFD, so such a line is
    reported as not sent (not ASCII) where it stands, and the rest still plays."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return script.parse(f)
    except OSError as e:
        raise UsageError("cannot read %s: %s" % (path, e.strerror or e)) from e


def _out(text):
    print(text, flush=True)


def do_status(args):
    with Connection(args) as client:
        reply = client.command("status", timeout=args.timeout)
    for line in reply.received[:-1]:
        print(line)
    if not reply.ok:
        print(reply.final)
        return EXIT_ANSWER
    width = max((len(k) for k in reply.fields), default=0)
    for key, value in reply.fields.items():
        print("%-*s  %s" % (width, key, value))
    return EXIT_OK


def do_restart(args):
    """A board left at the MicroPython REPL (mpremote, Thonny, `repl confirm`): back to
    its firmware with a soft reset. A board whose firmware answers is left alone."""
    with Connection(args) as client:
        try:
            ready = repl.restart(client, args.timeout)
        except repl.RestartError as e:
            raise CommandError(str(e)) from e
    if ready is None:
        print("the firmware is running (it answered Ctrl-C): nothing to restart")
    else:
        print("was at the MicroPython REPL; soft reset (Ctrl-D), main.py ran: " + ready)
    return EXIT_OK


def do_log(args):
    if args.days is not None:
        return _log_days(args)
    with Connection(args) as client:
        reply = client.command("log %d" % args.count, timeout=args.timeout)
    if not reply.ok:
        print(reply.final, file=sys.stderr)
        return EXIT_ANSWER
    if not args.csv:
        for line in reply.lines:
            print(line)
        return EXIT_OK
    rows = [_log_row(line) for line in reply.lines]
    keys = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    writer = csv.DictWriter(sys.stdout, fieldnames=keys or ["event"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return EXIT_OK


def _log_days(args):
    """`log --days [N]`: the pump's daily activity (presses, refusals by reason, each
    drug's dose) for its newest N days and the open one; with --csv one row per day."""
    from pumpctl import activity
    with Connection(args) as client:
        try:
            rows = activity.fetch(client, args.days, timeout=args.timeout)
        except activity.ActivityError as e:
            print(str(e), file=sys.stderr)
            return EXIT_ANSWER
    if args.csv:
        activity.write_csv([row for _, row in rows], sys.stdout)
    else:
        for line, _ in rows:
            print(line)
    return EXIT_OK


def _log_row(line):
    """"set time old=A new=B time=C" -> {"event": "set time", "old": "A", ...}: the words
    without "=" are the event, each key=value word a column."""
    event = [w for w in line.split() if "=" not in w]
    row = {"event": " ".join(event)} if event else {}
    row.update(w.split("=", 1) for w in line.split() if "=" in w)
    return row


def do_record(args):
    steps = _read_script(args.file) if args.file else []
    then_ms = 0
    if args.then:
        then_ms = record.duration_ms(args.then)
        if then_ms is None:
            raise UsageError("--then %s: a duration such as 30m, 24h or 30d" % args.then)
    sim = args.port is None
    if sim:
        # Time moves only with `sim advance`: two recordings of one script are the same.
        os.environ["PUMP_CLOCK"] = "manual"
    if args.balance_csv and not sim:
        raise UsageError("--balance-csv weighs on a virtual Pico (sim balance): a real "
                         "board's balance is read by its own logger")
    # The rig's name for the report's title: only where this run chose the config.
    rig = None if not sim else boards.read(args.board).get("name")
    out_path = Path(args.output)
    try:
        out = open(out_path, "w")
    except OSError as e:
        raise UsageError("cannot write %s: %s" % (out_path, e.strerror or e)) from e
    try:
        weighed = open(args.balance_csv, "w") if args.balance_csv else None
    except OSError as e:
        out.close()
        raise UsageError("cannot write %s: %s" % (args.balance_csv, e.strerror or e)) from e
    progress = Progress("record", enabled=False if args.quiet else None)
    with out, weighed or nullcontext(), Connection(args, sim_default=True) as client:
        def echo(line):
            progress.finish()  # the transcript line takes the progress line's place
            _out(line)

        rec = record.Recorder(client, out, sim=sim, timeout=args.timeout, progress=progress,
                              echo=None if args.quiet else echo, balance_out=weighed)
        rec.header(script=args.file, board=client.events[-1] if client.events else None,
                   rig=rig)
        try:
            surprises = rec.play(steps, then_ms=then_ms)
        finally:
            progress.finish()
    print("record: %d readings, %d events over %s of pump time -> %s" % (
        rec.samples, rec.events_written, record.hms(rec.t_ms), out_path), file=sys.stderr)
    if surprises:
        print("record: %d line(s) did not answer as expected:" % len(surprises),
              file=sys.stderr)
        for step, why in surprises:
            where = "%s:%d: %s" % (args.file, step.number, step.shown()) if step else "--then"
            print("  %s: %s" % (where, why), file=sys.stderr)
        return EXIT_ANSWER
    return EXIT_OK


def do_report(args):
    from fractions import Fraction

    from pumpctl import report
    try:
        density = Fraction(args.density)
        offset = Fraction(args.balance_offset)
    except (ValueError, ZeroDivisionError) as e:
        raise UsageError("--density / --balance-offset: %s" % e) from e
    if density <= 0:
        raise UsageError("--density must be above 0 mg/mL")
    progress = Progress("report", total=report.STEPS, enabled=False if args.quiet else None)
    try:
        with progress:
            a = report.build(args.log, args.output, balance_path=args.balance,
                             balance_offset_s=offset, density_mg_ml=density,
                             progress=progress)
    except report.ReportError as e:  # the log, the balance or the output: input refused
        raise UsageError(str(e)) from e
    if not args.quiet:
        for curve in a.curves:
            print("trumpet (%s): %s" % (curve.source, "; ".join(
                "%d min %s/%s" % (r.minutes, _pct(r.e_max), _pct(r.e_min))
                for r in curve.rows)))
        print("wrote %s" % args.output)
    return EXIT_OK


def _pct(x):
    return "-" if x is None else "%+.2f%%" % float(x)


def _ask_pin():
    """The clinician PIN, typed unseen, for a board whose firmware guards its REPL."""
    import getpass
    try:
        return getpass.getpass("clinician PIN for the board's REPL (not shown): ").strip()
    except (EOFError, KeyboardInterrupt):
        return None


def do_deploy(args):
    try:
        deploy(args.port, firmware=args.firmware or virtual_pico.FIRMWARE,
               board_config=args.board, force=args.force, source=args.source, opt=args.opt,
               wait=not args.no_wait, out=Path(args.build) if args.build else bundled.BUILD,
               progress=Progress("deploy", enabled=False if args.quiet else None),
               ask_pin=_ask_pin)
    except (boards.BoardError, BuildError) as e:  # nothing was copied
        raise UsageError(str(e)) from e
    except DeployError as e:
        raise CommandError(str(e)) from e
    return EXIT_OK


# ----- arguments -----
def _board_args(p, port=True, sim=True, board=str(virtual_pico.DEFAULT_BOARD)):
    if port:
        p.add_argument("--port", help="serial port of a board or a virtual Pico")
    if sim:
        p.add_argument("--sim", action="store_true", help="use a fresh virtual Pico")
        p.add_argument("--emu", action="store_true", help="use a fresh emulated Pico "
                       "(MicroPython's RP2040 build; see `pumpctl emu`)")
    p.add_argument("--firmware", type=options.firmware, help="firmware folder for a fresh "
                   "virtual Pico or a deploy (default: the firmware shipped with pumpctl, "
                   "%s)" % bundled.FIRMWARE)
    p.add_argument("--board", type=options.board, default=board, help="board config put "
                   "on the board as board.json: a file, or a shipped rig's name (%s); "
                   "default: %s" % (", ".join(boards.shipped()), "the board's own, kept"
                                    if board is None else "%(default)s"))
    p.add_argument("--timeout", type=options.seconds, default=30.0,
                   help="seconds of silence before a reply is given up; a `sim advance` "
                   "gets as many more per simulated day (default: %(default)s)")


def build_parser():
    ap = options.Parser(prog="pumpctl", description=(
        "Host tools for the intrathecal pump bench rig (never for a patient)."))
    # One version for the host tool and the firmware it ships (setup.py, bundled.py).
    ap.add_argument("--version", action="version", version="pumpctl " + bundled.version())
    sub = ap.add_subparsers(dest="verb", required=True)

    p = sub.add_parser("sim", help="run a virtual Pico in the foreground")
    p.add_argument("--state", type=options.state,
                   help="state folder to use or resume (default: a fresh one)")
    p.add_argument("--bare", action="store_true", help="empty flash (deploy onto it)")
    p.add_argument("--reinstall", action="store_true",
                   help="copy the firmware into an existing flash again")
    p.add_argument("--heap", type=options.heap, default=vpico_launcher.DEFAULT_HEAP,
                   help="MicroPython heap size, e.g. 512K or 1M (default: %(default)s)")
    p.add_argument("--service-jumper", action="store_true", help="boot with the board's "
                   "service jumper in: `pin` and `repl` need no login for 15 min")
    _board_args(p, port=False, sim=False)
    p.set_defaults(func=do_sim)

    p = sub.add_parser("emu", help="run an emulated Pico (MicroPython's RP2040 build in "
                       "rp2040js) in the foreground")
    p.add_argument("--state", type=options.state,
                   help="state folder to use or resume (default: a fresh one)")
    p.add_argument("--reinstall", action="store_true",
                   help="put the firmware on an existing flash again (a fresh LittleFS)")
    p.add_argument("--uf2", type=options.existing_file,
                   help="MicroPython RPI_PICO .uf2 (default: $PICO_UF2, else "
                   "the one in ../shared/pico)")
    p.add_argument("--pace", choices=("real", "free"), default="real",
                   help="real: its clock never runs ahead of yours (default); free: idle "
                   "time is skipped")
    p.add_argument("--service-jumper", action="store_true", help="hold the config's "
                   "service pin low at power-on: `pin` and `repl` need no login for 15 min")
    _board_args(p, port=False, sim=False)
    p.set_defaults(func=do_emu)

    p = sub.add_parser("console", help="interactive console: events show as they come, "
                       "Tab completes commands and alarm names, history (never of a PIN; "
                       "type `login` or `pin` alone to enter the PIN unseen: one typed on "
                       "the line is refused and never shown)")
    p.add_argument("--plain", action="store_true", help="the plain line mode even on a "
                   "terminal: what the board sends shows when Enter is pressed (piped "
                   "input always gets it)")
    _board_args(p)
    p.set_defaults(func=do_console)

    p = sub.add_parser("run", help="play a file of console lines (default: against a "
                       "fresh virtual Pico)")
    p.add_argument("file", type=options.existing_file)
    _board_args(p)
    p.set_defaults(func=do_run)

    p = sub.add_parser("status", help="the pump's status, one key a line")
    _board_args(p)
    p.set_defaults(func=do_status)

    p = sub.add_parser("restart", help="restart the firmware of a board left at the "
                       "MicroPython REPL by mpremote or Thonny (a soft reset)")
    p.add_argument("--port", required=True, help="the board's serial port")
    p.add_argument("--timeout", type=options.seconds, default=READY_S,
                   help="seconds to wait for the firmware's ready line (default: "
                   "%(default)s)")
    p.set_defaults(func=do_restart)

    p = sub.add_parser("log", help="the pump's log")
    p.add_argument("count", nargs="?", type=options.count, default=20,
                   help="entries (default 20)")
    p.add_argument("--csv", action="store_true", help="as CSV, one column per key (with "
                   "--days: one row per day)")
    p.add_argument("--days", nargs="?", type=options.count, const=400, default=None,
                   metavar="N", help="the daily activity instead (presses, refusals by "
                   "reason, each drug's dose): the newest N days (all the pump keeps, "
                   "400, if no N) and today")
    _board_args(p)
    p.set_defaults(func=do_log)

    p = sub.add_parser("record", help="play a script and write a delivery log, reading "
                       "status every 30 s of pump time (default: a fresh virtual Pico)")
    p.add_argument("file", nargs="?", type=options.existing_file,
                   help="a .pump script (none: just record)")
    p.add_argument("-o", "--output", required=True, help="the delivery log (JSON lines)")
    p.add_argument("--then", help="keep recording this long after the script (30m, 24h...)")
    p.add_argument("--balance-csv", help="virtual Pico: also write what a balance under "
                   "the outlet weighs at every reading (time_s,mass_mg, for report "
                   "--balance)")
    p.add_argument("-q", "--quiet", action="store_true", help="no transcript, no progress line")
    _board_args(p)
    p.set_defaults(func=do_record)

    p = sub.add_parser("report", help="draw a delivery log (from `record`) as an HTML, "
                       "PNG or SVG report: dose, reservoir, trumpet curve, timeline")
    p.add_argument("log", type=options.existing_file,
                   help="a delivery log written by `pumpctl record`")
    p.add_argument("-o", "--output", required=True, help="report.html, .png or .svg")
    p.add_argument("--balance", type=options.existing_file,
                   help="CSV of time_s,mass_mg from a balance, for a second "
                   "trumpet curve")
    p.add_argument("--balance-offset", default="0", help="seconds added to the balance's "
                   "time_s to put it on the log's (t = 0 at the first reading)")
    p.add_argument("--density", default="998.2", help="of the fluid weighed, mg/mL "
                   "(default: %(default)s, water at 20 C)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line, no summary")
    p.set_defaults(func=do_report)

    p = sub.add_parser("deploy", help="compile the firmware and copy it onto a board")
    p.add_argument("--port", required=True, help="the board's serial port")
    p.add_argument("--source", action="store_true", help="copy .py sources, not .mpy")
    p.add_argument("--opt", type=int, default=DEFAULT_OPT, choices=range(4),
                   help="mpy-cross -O level (default %d: no line numbers, ~3 KB more heap "
                        "on a Pico; 0 keeps them for tracebacks at the REPL)"
                        % DEFAULT_OPT)
    p.add_argument("--build", help="build folder (default: %s)" % bundled.BUILD)
    p.add_argument("--no-wait", action="store_true",
                   help="do not wait for the firmware's ready line after the reset")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    p.add_argument("--force", action="store_true", help="replace the board's board.json "
                   "with --board's even where they differ (its calibration too)")
    _board_args(p, port=False, sim=False, board=None)
    p.set_defaults(func=do_deploy)
    return ap


def main(argv=None):
    args = build_parser().parse_args(argv)  # a bad option exits here, with EXIT_USAGE
    try:
        return args.func(args)
    except UsageError as e:
        return _fail(args, e, EXIT_USAGE)
    except AtRepl as e:
        return _fail(args, "%s. %s" % (e, _restart_hint(args)), EXIT_UNREACHABLE)
    except ReplyTimeout as e:
        if not e.lines:  # a board left in the raw REPL takes a line silently
            e = "%s. Nothing came back at all: if mpremote or Thonny used the board, it " \
                "may be at the REPL; %s" % (e, _restart_hint(args))
        return _fail(args, e, EXIT_UNREACHABLE)
    except (CommandError, ClientError) as e:
        return _fail(args, e, EXIT_UNREACHABLE)
    except OSError as e:  # a port or a pty that went away under us (SerialException too)
        return _fail(args, e, EXIT_UNREACHABLE)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001 -- a bug still reaches the user as one line
        if os.environ.get("PUMPCTL_TRACEBACK"):
            raise
        return _fail(args, "a bug in pumpctl, please report it: %s: %s (PUMPCTL_TRACEBACK=1 "
                     "shows where)" % (type(e).__name__, e), EXIT_BUG)


def _fail(args, why, status):
    print("pumpctl %s: %s" % (args.verb, why), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
