"""`pumpctl run FILE`: play a file of console lines and judge the answers.

A line's text after "#" is a comment and is not sent; a line ending in `# expect ERR`
must get ERR. Every other line must get OK. Never stops at the first surprise: the whole
file is played so the transcript shows everything, and the verdict comes at the end. A
line the board could not take (over the console's MAX_LINE bytes, not ASCII) is never
sent: it is that line's surprise, and the run goes on. A reply that never comes does
stop it (the console is not answering)."""
import re

from pumpctl import pins
from pumpctl.client import check_line

EXPECT_ERR = re.compile(r"#\s*expect\s+ERR\s*$", re.IGNORECASE)
SHOWN_MAX = 60  # characters of a line repeated in the verdict (the transcript has it all)


class Step:
    def __init__(self, number, text, send, expect_err):
        self.number = number
        self.text = text  # the line as written
        self.send = send  # what goes to the board ("" for a comment or a blank line)
        self.expect_err = expect_err
        self.unsendable = None  # why the board could not take `send`, if it could not
        if send:
            try:
                check_line(send)
            except ValueError as e:
                self.unsendable = "not sent: %s" % e

    def shown(self):
        """`send`, a PIN masked and shortened for a one-line verdict."""
        send = pins.redact(self.send)
        if len(send) <= SHOWN_MAX:
            return send
        return send[:SHOWN_MAX - 3] + "..."

    def echoed(self):
        """The line for a transcript: as written, a PIN masked (pins.redact); its comment,
        never sent, kept as written."""
        if not pins.inline(self.send):
            return self.text.strip()
        head, sep, comment = self.text.partition("#")
        return (pins.redact(self.send) + head[len(head.rstrip()):] + sep + comment).strip()


def parse(lines):
    steps = []
    for number, raw in enumerate(lines, 1):
        text = raw.rstrip("\r\n")
        send = text.split("#", 1)[0].strip()
        steps.append(Step(number, text, send, bool(EXPECT_ERR.search(text))))
    return steps


def play(client, steps, out=print, timeout=30.0):
    """Returns the list of (step, why) that did not answer as expected. Raises
    ReplyTimeout if the board stops answering."""
    surprises = []
    for step in steps:
        if not step.send:
            if step.text.strip():
                out(step.text)  # a comment line, shown as written
            continue
        out("> " + step.echoed())
        if step.unsendable:
            out(step.unsendable)
            surprises.append((step, step.unsendable))
            continue
        # Each line shown as it comes: a long `sim advance` shows its events on the way.
        reply = client.command(step.send, timeout=timeout, on_line=out)
        if client.reboot_pending:  # after `sim power-cut`: the boot, then the next line
            try:
                ready = client.wait_ready(timeout)
            finally:
                for line in client.seen_before_ready:
                    out(line)
            out(ready)
        if step.expect_err and reply.ok:
            surprises.append((step, "expected ERR, got OK"))
        elif not step.expect_err and not reply.ok:
            surprises.append((step, "got " + reply.final))
    return surprises
