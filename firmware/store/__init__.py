"""Persistence: records with a sequence number and a CRC, committed atomically over a tiny
flash interface (read(name) -> bytes|None, write(name, bytes)). Knows bytes, not pumps;
`pump/snapshot.py` turns a pump into a payload and back, `persist.py` joins the two.
docs/persistence.md explains the formats, the torn-write model and the flash budget."""
