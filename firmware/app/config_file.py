"""The board config on flash, for commands that change it (calibration). A write goes to a
new file that is then renamed over the old one, so a cut leaves the old config or the new
one, never half of each (LittleFS renames atomically; so does a host folder)."""
import os


class ConfigFile:
    def __init__(self, path):
        self.path = path

    def read(self):
        with open(self.path) as f:
            return f.read()

    def write(self, text):
        tmp = self.path + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, self.path)
