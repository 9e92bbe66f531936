# The two commands a newcomer needs: `make demo` and `make test`.
# `make demo` boots a virtual Pico (the real MicroPython VM on a pseudo-terminal) and plays
# a day of case 1 (docs/clinical_background.md) through its serial console; `make console`
# attaches to one. Each builds .venv from pyproject.toml on first use (python3 >= 3.10 and
# make only), and re-installs only when pyproject.toml or setup.py changes.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp
# Defined before `test` names it: a rule's prerequisites are read when make parses it, so
# a later definition left `make test` without its npm ci (the emulated tier then
# installed rp2040js itself).
EMU_DIR := host/pumpctl/emu
EMU_STAMP := $(EMU_DIR)/node_modules/.stamp
PYTEST_ARGS ?=

.PHONY: demo demo-core console test test-fast soak bench clean help

demo: $(STAMP) ## a day of case 1 played on a fresh virtual Pico's console (the main job)
	$(VENV)/bin/pumpctl run tools/scripts/case1_day.pump

demo-core: $(STAMP) ## the delivery logic alone for a day, checked against the ideal
	$(VPY) tools/demo_day.py

console: $(STAMP) ## an interactive console on a fresh virtual Pico
	$(VENV)/bin/pumpctl console --sim

# Two workers (pytest-xdist): the suite is CPU-bound, and two cores finish it in well
# under the ten minutes it must fit (one took ~15). TEST_WORKERS=0 runs it in one process.
# loadgroup: a module marked xdist_group runs on one worker, so a fixture it builds once
# (a wheel and its venv, a recorded session) is built once, not once per worker.
TEST_WORKERS ?= 2
test: $(STAMP) $(EMU_STAMP) ## the whole suite, as CI runs it (PYTEST_ARGS=... for pytest)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The inner loop while editing (docs/verification.md), on the same workers as `test`:
# all but the tests marked slow (the emulated Pico, power cuts, the MicroPython VM,
# mpy-cross, the PIO emulator; tests/conftest.py says which and why) and hil, with 10
# hypothesis examples a property (profile "fast"), in under 30 s. Not a gate: `make
# test`, which CI runs, selects all.
test-fast: export HYPOTHESIS_PROFILE ?= fast
test-fast: $(STAMP) ## the tests not marked slow: the loop while editing, not a gate
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup -m "not slow and not hil" $(PYTEST_ARGS)

# The long verification run (docs/verification.md): more hypothesis examples, a simulated
# year on both interpreters; prints what it covered. SOAK_ARGS="--examples 5000" for more.
SOAK_ARGS ?=
soak: $(STAMP) ## the long verification run, and what it covered (SOAK_ARGS=...)
	$(VPY) tools/soak.py $(SOAK_ARGS)

# Every figure README.md and docs/ quote, measured (about an hour with the emulated Pico;
# BENCH_EMU_MIN=3 shortens it): written to docs/figures.json with the day, and each quote
# of one (a link to its key) set to it (tools/figures.py). CI never runs it (timings
# flake); tests/host/test_figures.py fails when a quote and the file differ.
bench: $(STAMP) ## measure the figures README.md and docs/ quote, into docs/figures.json
	$(VPY) tools/bench.py

# Records case 1's day on a fresh virtual Pico, with what a balance under the outlet
# weighs (the same file as tools/samples/balance_case1.csv), and draws it with both
# trumpet curves (docs/reports.md).
.PHONY: report
report: $(STAMP) ## case 1's day recorded and drawn into build/report/
	mkdir -p build/report
	$(VENV)/bin/pumpctl record tools/scripts/case1_day.pump -o build/report/case1_day.jsonl \
		--balance-csv build/report/case1_day_balance.csv -q
	$(VENV)/bin/pumpctl report build/report/case1_day.jsonl -o build/report/case1_day.html \
		--balance build/report/case1_day_balance.csv
	$(VENV)/bin/pumpctl report build/report/case1_day.jsonl -o build/report/case1_day.png \
		--balance build/report/case1_day_balance.csv -q

# The generated docs (docs/state_diagram.md, docs/img/*.svg), drawn again from the state
# table and the board configs; tests/host/test_pictures.py and test_state_model.py fail
# when they are stale. Never edits the table or a config.
.PHONY: pictures
pictures: $(STAMP) ## draw the state diagram and each rig's wiring in docs/ again
	$(VPY) tools/state_diagram.py
	$(VPY) tools/pictures.py

# The emulated Pico's runner needs rp2040js, pinned by its lock file (tests/emu; pumpctl
# emu installs it the same way on first use).
$(EMU_STAMP): $(EMU_DIR)/package-lock.json
	cd $(EMU_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(EMU_STAMP)

$(STAMP): pyproject.toml setup.py
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(STAMP)

clean: ## remove .venv, build/, node_modules and every cache
	rm -rf $(VENV) build host/*.egg-info .pytest_cache .hypothesis $(EMU_DIR)/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name '*.mpy' -type f -delete

# Every target with a "## " note after its prerequisites, in file order: the list cannot
# miss a target that has one (tests/host/test_make_help.py checks each phony target has).
help: ## this list
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' \
		$(firstword $(MAKEFILE_LIST))
