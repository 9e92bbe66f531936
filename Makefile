# The two commands a newcomer needs: `make demo` and `make test`.
# Each builds .venv from pyproject.toml on first use (python3 >= 3.10 and make only),
# and re-installs only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp
PYTEST_ARGS ?=

.PHONY: demo test bench clean

demo: $(STAMP)
	$(VPY) tools/demo_day.py

test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(VPY) tools/bench.py

$(STAMP): pyproject.toml
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build host/*.egg-info .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name '*.mpy' -type f -delete
