"""Tiny RP2040 PIO encoder: pure functions that turn one instruction into its 16-bit
opcode (RP2040 datasheet section 3.4, "Instruction Set"). Never touches hardware,
never allocates a list, never uses floats; runs unchanged on CPython and MicroPython.

Every opcode is  [15:13] major | [12:8] delay/side-set | [7:0] arguments.
These functions treat all five bits [12:8] as delay (0..31 idle cycles). A program with
side-set (hal/pico/step_pio.py drives STEP that way) ORs the side-set bit into the top
of that field itself, and keeps its delays within the bits left over.
A field out of range raises ValueError: a wrong opcode must never reach a PIO.
"""
from micropython import const

# JMP conditions, bits [7:5] of a JMP.
ALWAYS = const(0)
X_ZERO = const(1)  # !x
X_DEC = const(2)  # x-- : jump if x != 0 (before the decrement), always decrement
Y_ZERO = const(3)  # !y
Y_DEC = const(4)  # y--
X_NE_Y = const(5)  # x != y
PIN = const(6)  # jmp pin
NOT_OSRE = const(7)  # !osre

# Destinations and sources (the 3-bit field; which ones are legal depends on the
# instruction, see the datasheet tables for SET, OUT and MOV).
PINS = const(0)
X = const(1)
Y = const(2)
NULL = const(3)  # MOV source / OUT destination
PINDIRS = const(4)  # SET and OUT destination
PC = const(5)  # OUT and MOV destination
ISR = const(6)
OSR = const(7)  # MOV source and destination

# MOV operations, bits [4:3].
MOV_NONE = const(0)
MOV_INVERT = const(1)
MOV_REVERSE = const(2)


def _field(value, top):
    # Range-check one field; ints only (a bool or float is a programming error).
    if type(value) is not int or value < 0 or value > top:
        raise ValueError("pio field out of range")
    return value


def _op(major, delay, args):
    return (major << 13) | (_field(delay, 31) << 8) | args


def jmp(cond, addr, delay=0):
    """JMP: major 000, condition [7:5], absolute address [4:0]."""
    return _op(0, delay, (_field(cond, 7) << 5) | _field(addr, 31))


def pull(block=True, if_empty=False, delay=0):
    """PULL: major 100, bit 7 = 1, IfEmpty bit 6, Block bit 5."""
    return _op(4, delay, 0x80 | (int(bool(if_empty)) << 6) | (int(bool(block)) << 5))


def push(block=True, if_full=False, delay=0):
    """PUSH: major 100, bit 7 = 0, IfFull bit 6, Block bit 5."""
    return _op(4, delay, (int(bool(if_full)) << 6) | (int(bool(block)) << 5))


def out(dest, bit_count, delay=0):
    """OUT: major 011, destination [7:5], bit count [4:0] (32 is encoded as 0)."""
    return _op(3, delay, (_field(dest, 7) << 5) | (_field(bit_count, 32) & 31))


def mov(dest, src, op=MOV_NONE, delay=0):
    """MOV: major 101, destination [7:5], operation [4:3], source [2:0]."""
    return _op(5, delay, (_field(dest, 7) << 5) | (_field(op, 2) << 3) | _field(src, 7))


def set_(dest, data, delay=0):
    """SET: major 111, destination [7:5], 5-bit immediate data [4:0]."""
    return _op(7, delay, (_field(dest, 7) << 5) | _field(data, 31))


def nop(delay=0):
    """NOP is `mov y, y`, as pioasm assembles it."""
    return mov(Y, Y, MOV_NONE, delay)
