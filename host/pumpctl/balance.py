"""A balance's readings for the trumpet curve: a CSV of `time_s,mass_mg`, as a bench
balance logger writes them (IEC 60601-2-24 weighs the delivered fluid every 30 s).

Exact: numbers are read as decimal Fractions, never floats. A header line is allowed;
any other line that is not two numbers is refused with its line number, never skipped,
so a garbled file cannot quietly shape a curve."""
import csv
from fractions import Fraction

WATER_MG_ML = Fraction("998.2")  # water at 20 C; the standard weighs water


class BalanceError(Exception):
    pass


def number(text):
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return None


def read(path, offset_s=0):
    """[(t_ms, mass_mg)] in time order. offset_s is added to every time_s, to put the
    balance's clock on the log's (t = 0 at the log's first reading)."""
    with open(path, newline="") as f:
        return parse(f, offset_s)


def parse(lines, offset_s=0):
    readings = []
    for number_, row in enumerate(csv.reader(lines), 1):
        if not row or not "".join(row).strip():
            continue
        values = [number(x) for x in row[:2]] if len(row) >= 2 else [None]
        if None in values:
            if number_ == 1 and not readings:
                continue  # a header
            raise BalanceError("line %d: not time_s,mass_mg: %r" % (number_, ",".join(row)))
        t_ms = (values[0] + Fraction(offset_s)) * 1000
        if t_ms.denominator != 1:
            t_ms = Fraction(round(t_ms))  # a balance's clock is not finer than a ms
        readings.append((int(t_ms), values[1]))
    readings.sort(key=lambda r: r[0])
    for (a, _), (b, _) in zip(readings, readings[1:]):
        if a == b:
            raise BalanceError("two readings at %d ms" % a)
    if len(readings) < 2:
        raise BalanceError("fewer than two readings")
    return readings
