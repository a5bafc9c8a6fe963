# QuantaCore EDA: `make demo` and `make test` are the two commands a new user needs.
# Both run `setup` first; setup is idempotent and quick once done.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages: MEEP (out-of-process FDTD worker, system interpreter), matplotlib for it,
# the KLayout application (runs the exported .drc deck), venv support, and chromium (the
# browser test of the HTML report).
APT_PACKAGES := python3-meep python3-matplotlib klayout python3-venv chromium
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: setup apt venv demo test bench clean

setup: apt venv

apt:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else echo "Debian packages present: $(APT_PACKAGES)"; fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/quantacore build --out gds_out

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -n 2 --dist loadfile

bench: setup
	$(VPY) -m pip install -q -e '.[dev,bench]'
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(VPY) $$b || exit 1; done

clean:
	rm -rf $(VENV) gds_out/showcase
