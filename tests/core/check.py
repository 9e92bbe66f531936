"""Small assertion helpers for tests that run under both pytest and MicroPython.

No pytest here: MicroPython has none, and these helpers must behave the same on both."""
from pump.errors import PumpError


def raises(code, fn, *args):
    """Call fn(*args); assert it raises PumpError with this code; return the error."""
    try:
        fn(*args)
    except PumpError as err:
        if err.code != code:
            raise AssertionError("expected PumpError code %d, got %d" % (code, err.code))
        return err
    raise AssertionError("expected PumpError code %d, got no error" % code)
