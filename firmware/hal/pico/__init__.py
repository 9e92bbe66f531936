"""Pico (RP2040 / RP2350) implementation of the hardware layer. Modules here may use
`machine` and `rp2`, but only inside constructors, so each one still imports on CPython
for host tests. Nothing here decides a dose: it only executes counts it is handed."""
