"""The text boundary: the only place where codes become words."""
