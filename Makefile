# Two commands for a fresh machine: `make demo` (the main job on the shipped model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# 19 frames of the follow-me validation set and their masks (MIT licensed), shipped in the package;
# for other frames: make demo IMAGES=/path/to/images MASKS= (or MASKS=/path/to/their/masks)
DEMO_FRAMES := follow_me_seg/demo_frames
IMAGES ?= $(DEMO_FRAMES)/images
MASKS ?= $(DEMO_FRAMES)/masks
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
	$(VENV)/bin/infer --images "$(IMAGES)" $(if $(MASKS),--masks "$(MASKS)") --out "$(OUT)"

test: venv
	$(VENV)/bin/ruff check follow_me_seg test launch setup.py
	$(PY) -m pytest -q test

clean:
	rm -rf $(VENV) out
