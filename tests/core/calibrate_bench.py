"""A calibration bench for console tests: a shipped rig on the simulated board whose bore is
`true_ppm` of its drawing, the console over it with the board config in RAM, and the sim
hooks a virtual Pico has (fill, balance, a jump of time through device passes). Not a test
module; runs under pytest and MicroPython alike."""
from app.device import Device
from app.sim_hooks import SimHooks
from console.console import Console
from hal.board_config import load, rig as rig_of
from hal.sim.board import SimBoard
from console_fakes import Lines
from rigs import DEFAULT, configs_dir


class MemConfig:
    """app/config_file.py's ConfigFile, in RAM; `fail` makes the next write fail."""

    def __init__(self, text):
        self.text = text
        self.writes = 0
        self.fail = False

    def read(self):
        return self.text

    def write(self, text):
        if self.fail:
            raise OSError(28)  # ENOSPC
        self.text = text
        self.writes += 1


def config_text(name=DEFAULT):
    with open(configs_dir() + "/" + name) as f:
        return f.read()


class Bench(Lines):
    def __init__(self, true_ppm=1_023_000, name=DEFAULT, store=True, persist=None):
        text = config_text(name)
        self.config = load(text)
        self.rig = rig_of(self.config)
        self.board = SimBoard(self.config, self.rig, ".", true_ppm=true_ppm)
        self.world = self.board.world
        self.clock = self.board.clock
        self.sim = SimHooks(self.board)
        self.store = MemConfig(text) if store else None
        self.dev = Device(self.rig, self.board.motor, self.clock, sim=self.sim,
                          config_store=self.store, store=persist)
        self.con = Console(self.dev)
        self.guard = self.dev.safety.guard

    def one_pass(self):
        """The controller's part of a pass here: the device's, and the sim's look at the
        pump after it (a confirmed refill fills the world's syringe)."""
        self.dev.tick()
        self.sim.after_pass(self.dev.pump)

    def ready(self, fill="50mL"):
        """Logged in, the syringe filled with water, the balance tared."""
        self.login()
        self.ok("sim fill " + fill)
        self.ok("sim balance tare")
        return self
