"""The Pico's filesystem as a file: the LittleFS v2 region of an RPI_PICO's flash
(offset 0xA0000, 352 blocks of 4096 bytes), built from a folder exactly as `pumpctl
deploy` lays the firmware out on a board, and read back after the board has run.

Disk version 2.0, the one MicroPython's own littlefs writes: an image of a newer minor
version would be refused by the board at mount (and the board would then format it)."""
from pathlib import Path

import littlefs

FS_OFFSET = 0xA0000  # MICROPY_HW_FLASH_STORAGE_BASE on RPI_PICO: 2 MiB - 1408 KiB
BLOCK_SIZE = 4096
BLOCK_COUNT = 352
SIZE = BLOCK_SIZE * BLOCK_COUNT
_DISK_VERSION = 0x00020000
# As MicroPython's rp2 _boot.py mounts it (VfsLfs2, progsize=256), so the caches agree.
_GEOMETRY = dict(block_size=BLOCK_SIZE, block_count=BLOCK_COUNT, read_size=32,
                 prog_size=256, lookahead_size=32, disk_version=_DISK_VERSION)


def build(folder, image):
    """Write `image` (SIZE bytes) holding every file under `folder`, at the same paths."""
    folder = Path(folder)
    fs = littlefs.LittleFS(**_GEOMETRY)
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            fs.makedirs(rel, exist_ok=True)
        else:
            with fs.open(rel, "wb") as f:
                f.write(path.read_bytes())
    data = bytes(fs.context.buffer)
    if len(data) != SIZE:
        raise ValueError("image is %d bytes, not %d" % (len(data), SIZE))
    Path(image).write_bytes(data)


def _mount(image):
    data = Path(image).read_bytes()
    if len(data) != SIZE:
        raise ValueError("%s is %d bytes, not a %d-byte filesystem" % (image, len(data), SIZE))
    # Read with the library's own (newest) disk version: it reads 2.0 and 2.1 alike,
    # whatever the board's littlefs wrote since.
    geometry = dict(_GEOMETRY)
    del geometry["disk_version"]
    fs = littlefs.LittleFS(mount=False, **geometry)
    fs.context.buffer[:] = data
    fs.mount()
    return fs


def listing(image):
    """Every file in the image as {path: size}."""
    fs = _mount(image)
    out = {}
    for root, _dirs, files in fs.walk("/"):
        for name in files:
            p = (root.rstrip("/") + "/" + name).lstrip("/")
            out[p] = fs.stat(p).size
    return out


def read(image, path):
    """One file's bytes from the image (FileNotFoundError if it is not there)."""
    fs = _mount(image)
    with fs.open(path, "rb") as f:
        return f.read()
