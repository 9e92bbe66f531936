"""Pictures for docs/img/, drawn from the project's own data: the pump's state table
(firmware/pump/states.py) and the board configs (board_configs/*.json). Plain Python
writing SVG, with a fixed layout, so the same data always gives the same bytes and a
test can tell a stale picture. Never draws anything the data does not say."""
