"""The control loop on the simulated board with the real console, as boot.py builds it, for
the loop's tests: lines typed byte by byte, everything written collected. With a flash, the
console's state lives on it, and a new LoopRig on the same flash and world is a power-up.
Not a test module (no test_ names); runs under pytest and MicroPython alike."""
from app.controller import Controller
from app.sim_hooks import SimHooks
from hal.sim.board import SimBoard
from rigs import shipped


class LoopRig:
    def __init__(self, flash=None, world=None, config=None):
        self.config, self.rig = shipped()
        if config is not None:  # the shipped config as a test changed it
            self.config = config
        self.board = SimBoard(self.config, self.rig, ".", world=world)
        self.hooks = SimHooks(self.board)
        self.out = []
        store = None
        if flash is not None:
            from store.persist import Persist
            store = Persist(flash)
        self.ctl = Controller(self.board, self.rig, self.out.append, self.hooks, store)

    def send(self, text):
        """Types a line byte by byte; returns every line written meanwhile."""
        self.out.clear()
        now = self.board.clock.now_ms()
        for b in text.encode() + b"\r\n":
            self.ctl.byte(b, now)
        self.ctl.service(now)
        return list(self.out)

    def typed(self, text):
        """The bytes of a line; False if the loop ended on it (the REPL)."""
        now = self.board.clock.now_ms()
        going = True
        for b in text.encode() + b"\r\n":
            going = self.ctl.byte(b, now) and going
        return going

    def ok(self, text):
        reply = self.send(text)
        finals = [r for r in reply if r.startswith("OK") or r.startswith("ERR ")]
        assert len(finals) == 1 and finals[0].startswith("OK"), (text, reply)
        return reply
