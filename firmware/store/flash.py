"""The flash interface over files in a folder: "/" on a Pico (LittleFS), a temporary folder
on the simulated board.

    read(name) -> bytes | None      None when the file does not exist; UNREADABLE (bytes no
                                    record can be, so it decodes as damaged) when it exists
                                    and cannot be read
    write(name, data)               replace the file's content with data
    names(folder) -> [str]          the files in a folder ([] if it is not there)

Nothing here makes a write atomic: the records and the A/B slots above it do, so the same
code is safe on LittleFS (whose file commits are atomic anyway), on FAT and on a host
folder, where a cut write leaves a prefix or a mix (see sim_flash.py)."""


_ENOENT = 2  # the one error that means "not there"; MicroPython has no errno module on every port
# A file that is there and cannot be read (a folder in its place, a bad block, no
# permission) is damage, never "fresh": read as missing, the boot would forget a
# programmed pump and its PIN without raising `memory` or `restart`.
UNREADABLE = b"?"


class DirFlash:
    def __init__(self, folder):
        self.prefix = folder if folder.endswith("/") else folder + "/"

    def read(self, name):
        try:
            with open(self.prefix + name, "rb") as f:
                return f.read()
        except OSError as err:
            return None if err.args and err.args[0] == _ENOENT else UNREADABLE

    def write(self, name, data):
        with open(self.prefix + name, "wb") as f:
            f.write(data)

    def names(self, folder):
        import os  # here: only a scan of the activity ring asks, at a boot without it
        try:
            return os.listdir(self.prefix + folder)
        except OSError:
            return []
