# Every target sets itself up: a fresh clone needs only python3 and make.
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(VENV)/bin/ecopark ingest fixtures --out out

test: install
	$(PYTHON) -m pytest -q

bench: install
	$(PYTHON) bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache
