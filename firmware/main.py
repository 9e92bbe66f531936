"""Runs at boot (on a Pico, and on the virtual Pico from its flash folder)."""
from app.boot import run

run()
