"""Hardware behind small interfaces: `pico/` for the board, `sim/` for tests and the
virtual Pico. The pump logic receives these objects; it never builds them."""
