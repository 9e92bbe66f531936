"""Persistence: records with a sequence number and a CRC, committed atomically over a tiny
flash interface (read(name) -> bytes|None, write(name, bytes)). Records, slots and the
log know bytes, not pumps; `snapshot.py` turns a pump into a payload and back (through
the pump's public restore), `persist.py` joins the two.
docs/persistence.md explains the formats, the torn-write model and the flash budget."""
