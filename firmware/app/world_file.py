"""The simulated world kept in a file beside (not inside) the virtual Pico's flash, so a
power cut reboots the firmware and leaves the syringe where it was. A file that cannot be
read is reported and replaced by a fresh world: the world is a test fixture, not state the
pump relies on."""
import json


def load(world, path):
    """Fills `world` from the file; returns None, or why the file was not used."""
    try:
        with open(path) as f:
            d = json.loads(f.read())
        world.from_dict(d)
    except OSError:
        return "no world file"
    except (ValueError, KeyError, TypeError) as err:
        return "world file unreadable: " + str(err)
    return None


def save(world, path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(json.dumps(world.to_dict()))
    import os
    os.rename(tmp, path)
