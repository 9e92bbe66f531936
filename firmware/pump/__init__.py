"""Pure pump logic. Imports no hardware, never reads a pin, a tick or flash: it runs
unchanged under CPython and MicroPython and receives time and motion as parameters."""
