"""Simulated hardware with the same methods as hal/pico, in memory."""
