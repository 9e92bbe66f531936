"""What differs between CPython and MicroPython, in one place.

Only `const` lives here: on MicroPython it folds integer constants at compile time, on
CPython it is the identity. Nothing else may be shimmed, so the logic stays the same code."""
try:
    from micropython import const  # noqa: F401
except ImportError:  # CPython: constants are plain module attributes

    def const(value):
        return value
