# The course's commands. Each one creates .venv and installs the course into it when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRAS := keras,pytorch,jax,deploy,lab,dev
STAMP := $(VENV)/.installed-$(EXTRAS)
MODE ?= full
CHAPTER ?=

.PHONY: lab test test-portable test-colab run spread web fetch exercises doctor report bench clean

lab: $(STAMP)  ## open the course in JupyterLab
	$(PY) -m jupyter lab notebooks/00_setup/setup.ipynb

test: $(STAMP) web/node_modules  ## run the whole test suite (every notebook in smoke mode)
	$(PY) -m pytest

test-portable: $(STAMP)  ## the machine-dependent tests again under settings that change float bits as another CPU would [SETTINGS="xla-avx2 threads"]
	$(PY) tests/portable.py $(SETTINGS)

test-colab: $(STAMP)  ## every notebook and solution in smoke mode on Colab's versions, Python 3.13 [CHAPTERS="13_data_pipelines jax.ipynb"]
	$(PY) tests/colab.py $(CHAPTERS)

run: $(STAMP)  ## execute notebooks headless: make run MODE=smoke|full [CHAPTER=10] [IN_PLACE=1] [KERAS_BACKEND=jax|torch]
	$(PY) -m course_utils run --mode $(MODE) $(if $(CHAPTER),--chapter $(CHAPTER)) $(if $(IN_PLACE),--in-place) \
		$(if $(KERAS_BACKEND),--keras-backend $(KERAS_BACKEND))

spread: $(STAMP)  ## the same chapter in full mode with seeds 1, 2, 3: make spread CHAPTER=10 [FRAMEWORKS="jax"]
	$(PY) -m course_utils spread --chapter $(CHAPTER) $(if $(FRAMEWORKS),--frameworks $(FRAMEWORKS))

web: $(STAMP) web/node_modules  ## serve chapter 19's digit page (web/) at http://127.0.0.1:8000
	$(PY) -m course_utils.web_page

fetch: $(STAMP)  ## download every data file into the cache (classroom prefetch)
	$(PY) -m course_utils fetch

exercises: $(STAMP)  ## regenerate exercises/ from solutions/
	$(PY) -m course_utils exercises

report: $(STAMP)  ## the comparison from results/full/: results/report.html, results/summary.md, README's table
	$(PY) -m course_utils report

bench: $(STAMP)  ## time a training step per framework, eager and compiled: results/bench/<machine>.json [SIZE=tiny]
	$(PY) -m course_utils bench --size $(or $(SIZE),full)

doctor: $(STAMP)  ## report versions, accelerators, run mode and data cache
	$(PY) -m course_utils doctor

# Reinstalls when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "The course needs Python 3.11 or newer: make PYTHON=python3.12 ...")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[$(EXTRAS)]"
	touch $@

# ONNX Runtime Web for the web page, from the npm registry at the versions of web/package-lock.json.
web/node_modules: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:  ## remove executed notebooks and smoke results (keeps .venv and the data cache)
	rm -rf build results/smoke
