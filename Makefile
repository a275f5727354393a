# Two commands for a learner (see README):
#   make lab    install the course into .venv and open it in JupyterLab
#   make test   install the same and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test test-latest install lint bench lock environment book

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 12) else "Python 3.10 to 3.12 is needed; found %d.%d. Run: make PYTHON=python3.11 ..." % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# JupyterLab refuses to run as root unless told; containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: install
	$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/01_deep_learning_workflow.ipynb

test: install
	$(BIN)/python -m pytest -n 2 --dist loadscope

# Early warning: the unit tests in a fresh environment resolved from pyproject's ranges (no lock),
# so a new NumPy/Keras/pandas release that breaks the course fails here before a learner meets it.
LATEST := .venv-latest
test-latest:
	rm -rf $(LATEST) && $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet -e '.[test]'
	@$(LATEST)/bin/python -m pip list --format=freeze | grep -iE '^(numpy|pandas|scikit-learn|keras|tensorflow|tensorflow-cpu|keras-tuner|matplotlib)==' | tr '\n' ' '; echo
	$(LATEST)/bin/python -m pytest tests -n 2 --dist loadscope -m "not browser"

# The course as a static book (the executed chapters and the API reference, offline HTML):
# open build/book/index.html. Nothing is re-executed.
book: install
	$(BIN)/python docs/build.py build/book

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Measurements quoted in README.md and benchmarks/README.md (not tests: they never fail on time).
bench: install
	$(BIN)/python benchmarks/run_notebooks.py
	$(BIN)/python benchmarks/conv_speed.py
	test ! -f benchmarks/serve_load.py || $(BIN)/python benchmarks/serve_load.py
	for script in benchmarks/ch*_seeds.py; do $(BIN)/python $$script || exit 1; done

# Maintainers: regenerate the lock from a fresh environment, then environment.yml.
lock:
	rm -rf /tmp/dl-lock-venv && $(PYTHON) -m venv /tmp/dl-lock-venv
	/tmp/dl-lock-venv/bin/pip install --quiet -e '.[test]'
	/tmp/dl-lock-venv/bin/pip freeze --exclude-editable | $(PYTHON) tools/lock_markers.py > requirements.lock
	$(MAKE) environment

environment:
	$(PYTHON) tools/lock_to_conda.py requirements.lock > environment.yml
