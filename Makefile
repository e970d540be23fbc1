# Two commands for a fresh machine: `make demo` (the main job on the shipped model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHARED_VALIDATION := ../shared/data/followme/validation/images
IMAGES ?= $(if $(wildcard $(SHARED_VALIDATION)),$(SHARED_VALIDATION),)
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
	@if [ -z "$(IMAGES)" ]; then \
	  echo "No frames: run 'make demo IMAGES=/path/to/frames'. The Udacity follow-me data (train.zip, validation.zip)"; \
	  echo "is at https://s3-us-west-1.amazonaws.com/udacity-robotics/Deep+Learning+Data/Lab/validation.zip"; \
	  exit 2; fi
	$(VENV)/bin/infer --images "$(IMAGES)" --out "$(OUT)"

test: venv
	$(PY) -m pytest -q test

clean:
	rm -rf $(VENV) out
