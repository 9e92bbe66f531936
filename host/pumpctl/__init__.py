"""Host tools for the pump: CLI, serial client, virtual Pico."""
