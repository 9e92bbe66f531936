"""The one build step pyproject.toml cannot say: the wheel carries the firmware and the
board configs (pumpctl/_bundled/, found by pumpctl/bundled.py), and its version is the
firmware's own VERSION in firmware/app/boot.py, so `pumpctl --version`, the wheel and the
board's `! ready firmware=` line never disagree.

Why a build_py hook and not package-data: firmware/ and board_configs/ sit beside host/,
not under the package, and package-data takes files from inside a package only; mapping
firmware/'s folders in as sub-packages would make them importable under CPython and
need one line per folder. The copy goes into the build folder, never into host/pumpctl,
and not at all for an editable install (`make`), which reads the checkout itself.
An sdist takes both folders along (MANIFEST.in), so a wheel built from it has them too."""
import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLE = {"firmware": "**/*.py", "board_configs": "*.json"}  # folder: what ships of it


def _bundled():
    """host/pumpctl/bundled.py, loaded by path: its reader of VERSION, without importing
    the package (or anything it needs) into the build."""
    spec = importlib.util.spec_from_file_location("pumpctl_bundled",
                                                  ROOT / "host" / "pumpctl" / "bundled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithFirmware(build_py):
    def _bundle(self):
        target = Path(self.build_lib) / "pumpctl" / "_bundled"
        pairs = []
        for folder, pattern in BUNDLE.items():
            found = [src for src in sorted((ROOT / folder).glob(pattern))
                     if "__pycache__" not in src.parts]
            if not found:  # a wheel without them dies later, outside the repo
                raise RuntimeError("nothing matches %s/%s: the wheel would ship without "
                                   "it (an sdist without MANIFEST.in's grafts?)"
                                   % (folder, pattern))
            pairs += [(src, target / folder / src.relative_to(ROOT / folder))
                      for src in found]
        return target, pairs

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # bundled.py finds the checkout's own folders
        target, pairs = self._bundle()
        # The build folder outlives a build: a firmware file deleted since must not ship.
        shutil.rmtree(target, ignore_errors=True)
        for src, dest in pairs:
            self.mkpath(str(dest.parent))
            self.copy_file(str(src), str(dest))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if not getattr(self, "editable_mode", False):
            outputs += [str(dest) for _, dest in self._bundle()[1]]
        return outputs


setup(version=_bundled().read_version(ROOT / "firmware" / "app" / "boot.py"),
      cmdclass={"build_py": BuildPyWithFirmware})
