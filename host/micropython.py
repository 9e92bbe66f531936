"""CPython stand-in for MicroPython's built-in `micropython` module, so the pump logic
runs unchanged on the host. Only what the logic uses: `const` (compile-time constants
on the board, the identity here). Never deployed to a board, where the built-in wins."""


def const(value):
    return value
