"""Placeholder for the demo day script run by `make demo`; it will be replaced."""
print("demo not written yet")
