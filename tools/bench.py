"""Placeholder for the benchmark script run by `make bench`; it will be replaced."""
print("bench not written yet")
