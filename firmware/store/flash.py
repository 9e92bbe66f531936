"""The flash interface over files in a folder: "/" on a Pico (LittleFS), a temporary folder
on the simulated board.

    read(name) -> bytes | None      None when the file does not exist
    write(name, data)               replace the file's content with data

Nothing here makes a write atomic: the records and the A/B slots above it do, so the same
code is safe on LittleFS (whose file commits are atomic anyway), on FAT and on a host
folder, where a cut write leaves a prefix or a mix (see sim_flash.py)."""


class DirFlash:
    def __init__(self, folder):
        self.prefix = folder if folder.endswith("/") else folder + "/"

    def read(self, name):
        try:
            with open(self.prefix + name, "rb") as f:
                return f.read()
        except OSError:  # missing; a file that exists but cannot be read reads as damaged
            return None

    def write(self, name, data):
        with open(self.prefix + name, "wb") as f:
            f.write(data)
