"""`python -m pumpctl`: the same CLI as the `pumpctl` command, for an environment whose
scripts folder is not on PATH (a venv not activated, Windows' per-user installs)."""
import sys

from pumpctl.cli import main

sys.exit(main())
