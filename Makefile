# Two commands for a fresh machine: `make demo` (the main job on the shipped model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# 19 frames of the follow-me validation set (MIT licensed), shipped in the package
IMAGES ?= follow_me_seg/demo_frames
OUT ?= out/demo

.PHONY: demo test venv clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-test.txt setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-test.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

demo: venv
	$(VENV)/bin/infer --images "$(IMAGES)" --out "$(OUT)"

test: venv
	$(PY) -m pytest -q test

clean:
	rm -rf $(VENV) out
