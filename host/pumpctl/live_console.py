"""`pumpctl console` on a terminal: what the board sends shows as it comes, above the
prompt, and the half-typed line is drawn again under it (prompt_toolkit, patch_stdout).
Tab completes the firmware's command words and, after `ack`, its alarm names
(console_words.py); `status` shows in groups that fit 80 columns (status_view.py), and
`status raw` as the board sent it. Ctrl-C drops the line being typed, Ctrl-D or `exit`
leaves. Piped input gets the plain line mode instead (cli.py, do_console).

One PumpClient, one reader at a time: between commands a thread (Listener) reads the
port and prints each line; a command pauses it and reads its own reply through
PumpClient.command, so the reply matching and the port's lock stay the client's. A reply
Ctrl-C stopped waiting for is read to its end before the next command is sent.

Never shows or keeps a PIN: a PIN typed on the line shows as pins.MASK while it is typed
and is refused (cli.py's rule), `login`/`pin` alone ask for it masked, and no line that
carries one goes into the history file (LineHistory)."""
import shutil
import threading
import time
from contextlib import contextmanager

from prompt_toolkit import PromptSession
from prompt_toolkit import prompt as ask_once
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.formatted_text.utils import fragment_list_to_text
from prompt_toolkit.history import History
from prompt_toolkit.layout.processors import Processor, Transformation
from prompt_toolkit.patch_stdout import patch_stdout

from pumpctl import pins, status_view
from pumpctl.client import EVENT_PREFIX, READY_PREFIX, AtRepl, is_final
from pumpctl.console_words import EXIT, RAW

READ_S = 0.1  # the listener's longest read: a command waits at most this for the port
PAUSED_S = 0.01  # how often a paused listener looks again


class Listener:
    """Prints each line the board sends while no command waits for its reply. The port
    is read by one thread at a time: hold() pauses the listener for a command."""

    def __init__(self, client, show):
        self.client = client
        self.show = show
        self.error = None  # the port's error, if it failed under the listener
        # Replies still owed to commands whose wait Ctrl-C ended: their final lines are
        # not the next command's (finish_owed).
        self.owed = 0
        self._lock = threading.Lock()
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pumpctl-listener",
                                        daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(2 * READ_S + 1)

    @contextmanager
    def hold(self):
        """The port for the caller alone, for as long as the block runs."""
        self._wanted.set()  # the listener leaves the lock alone after its current read
        with self._lock:
            try:
                yield self.client
            finally:
                self._wanted.clear()

    def _run(self):
        client = self.client
        while not self._stop.is_set():
            if self._wanted.is_set():
                time.sleep(PAUSED_S)
                continue
            with self._lock:
                try:
                    line = client.read_line(READ_S, time.monotonic() + READ_S)
                except OSError as e:  # the port went away (SerialException too): say it once
                    self.error = e
                    self.show("the board's port failed: %s (Enter leaves)" % e)
                    return
                if line is not None:
                    self._note(line)
            if line is not None:
                self.show(line)

    def _note(self, line):
        """What a line read outside a command tells: an event (kept, as the client keeps
        them), a restart, or the end of an owed reply."""
        if line.startswith(EVENT_PREFIX):
            self.client.events.append(line)
            if line.startswith(READY_PREFIX):
                self.client.reboot_pending = False  # it restarted on its own
        elif is_final(line) and self.owed:
            self.owed -= 1

    def finish_owed(self, timeout):
        """Under hold(): reads and shows the rest of the replies Ctrl-C stopped waiting
        for, so the next command's reply is its own; after `timeout` s of silence, says
        so and goes on."""
        deadline = time.monotonic() + timeout
        while self.owed:
            line = self.client.read_line(timeout, deadline)
            if line is None:
                self.owed = 0
                self.show("(the interrupted command's reply never ended; sending on)")
                return
            self._note(line)
            self.show(line)


class LineHistory(History):
    """The console's history file, one line an entry (the format GNU readline writes, so
    the plain mode reads the same file). A line that carries a PIN is never stored, and
    one already in the file (from an older pumpctl) is dropped from it when loaded."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def load_history_strings(self):
        try:
            lines = self.path.read_text(errors="replace").splitlines()
        except OSError:  # the first session has no history yet
            return []
        kept = [line for line in lines if line.strip() and not pins.carries_pin(line)]
        if len(kept) != len([line for line in lines if line.strip()]):
            self._write(kept)
        return kept[::-1]  # the newest first

    def store_string(self, string):
        if pins.carries_pin(string) or not string.strip():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a") as f:
            f.write(string + "\n")

    def _write(self, lines):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text("".join(line + "\n" for line in lines))
        tmp.replace(self.path)


class PinMask(Processor):
    """Shows a PIN typed on the line (`login 2468`) as pins.MASK from its first digit on,
    whatever its length, so it is never on the screen; the cursor stays at the mask's
    end while it is typed."""

    def apply_transformation(self, ti):
        text = ti.document.lines[ti.lineno]
        at = pins.pin_at(text)
        if at is None:
            return Transformation(ti.fragments)
        shown = fragment_list_to_text(ti.fragments)
        head = shown[:at]
        style = ti.fragments[0][0] if ti.fragments else ""
        fragments = [(style, head), (style, pins.MASK)]
        end = at + len(pins.MASK)
        return Transformation(fragments,
                              source_to_display=lambda i: i if i <= at else end,
                              display_to_source=lambda i: i if i <= at else len(text))


class WordCompleter(Completer):
    """Tab: console_words.Words' candidates for the text before the cursor."""

    def __init__(self, words):
        self.words = words

    def get_completions(self, document, complete_event):
        found, typed = self.words.candidates(document.text_before_cursor)
        for word in found:
            yield Completion(word, start_position=-typed)


def run(client, words, history_path, prompt, timeout, ready_s, pin_line, at_repl):
    """The console until Ctrl-D or `exit`. pin_line(line, ask) is cli's rule for a line
    that carries a PIN: the line to send, or ValueError; ask(prompt) reads one unseen.
    at_repl(client, error): a line met the MicroPython REPL (client.AtRepl): say so and
    offer the restart, with the port held from the listener."""
    session = PromptSession(history=LineHistory(history_path),
                            completer=WordCompleter(words), complete_while_typing=False,
                            input_processors=[PinMask()], enable_history_search=False)
    with patch_stdout():
        listener = Listener(client, print).start()
        try:
            _loop(session, listener, prompt, timeout, ready_s, pin_line, at_repl)
        finally:
            listener.stop()


def _loop(session, listener, prompt, timeout, ready_s, pin_line, at_repl):
    while True:
        try:
            raw = session.prompt(prompt)
        except KeyboardInterrupt:  # Ctrl-C: the line is dropped, the console goes on
            continue
        except EOFError:  # Ctrl-D
            return
        if listener.error is not None:
            raise listener.error
        line = raw.strip()
        words = line.lower().split()
        if not words:
            continue
        if words == [EXIT]:
            return
        try:
            if pins.carries_pin(line):
                line = pin_line(raw, _ask_unseen)
            _command(listener, line, words, timeout, ready_s)
        except ValueError as e:  # not a line the board can take: nothing was sent
            print("not sent: %s" % e)
        except KeyboardInterrupt:  # Ctrl-C while the reply comes: stop waiting for it
            print("(no longer waiting: what the board still sends shows as it comes)")
        except AtRepl as e:  # the board is at the REPL: nothing more was sent
            with listener.hold() as client:
                at_repl(client, e)


def _ask_unseen(prompt):
    """One answer typed masked, kept in no history; Ctrl-C gives none."""
    try:
        return ask_once(prompt, is_password=True)
    except KeyboardInterrupt:
        return ""


def _command(listener, line, words, timeout, ready_s):
    """Sends `line` and prints its reply as it comes; `status` as a view, `status raw`
    (sent as `status`) as it came."""
    view = words == ["status"]
    if words == ["status", RAW]:
        line = "status"

    def show(got):  # as it comes; the view's own lines wait for the whole reply
        if not view or got.startswith(EVENT_PREFIX):
            print(got)
    with listener.hold() as client:
        listener.finish_owed(timeout)
        try:
            reply = client.command(line, timeout=timeout, on_line=show)
        except KeyboardInterrupt:  # sent (the write takes no time): its reply is owed
            listener.owed += 1
            raise
        if view:
            width = min(status_view.WIDTH, shutil.get_terminal_size().columns)
            shown_lines = (status_view.render(reply, width) if reply.ok
                           else reply.lines + [reply.final])
            for shown in shown_lines:
                print(shown)
        if client.reboot_pending:
            ready = client.wait_ready(ready_s)
            for got in client.seen_before_ready + [ready]:
                print(got)
