# ESJA — every target creates what it needs. `make demo` and `make test` are the two set-up commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Prefer Python 3.12 (the Lambda runtime), else any python3 >= 3.11. Under pyenv, a 3.12 that is
# installed but not selected is used through PYENV_VERSION.
PYENV_312 := $(shell command -v pyenv >/dev/null 2>&1 && pyenv versions --bare 2>/dev/null | grep -E '^3\.12(\.[0-9]+)?$$' | tail -n1)
ifneq ($(PYENV_312),)
PYTHON ?= env PYENV_VERSION=$(PYENV_312) python3.12
else
PYTHON ?= $(shell for p in python3.12 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
SAM_ENV := .tools/sam

.PHONY: help demo test lint bench build validate serve moto clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.txt layers/esja/requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.11 is required (python3.12 preferred)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq -r requirements-dev.txt
	$(BIN)/pip install -qq --no-deps -e .
	@touch $@

demo: $(BIN)/.installed ## run the whole pipeline on embedded moto with the bundled sample feeds (outputs in out/)
	$(BIN)/python -m local.demo

test: $(BIN)/.installed ## run the test suite (unit, integration, template)
	$(BIN)/pytest -n 2 -q

lint: $(BIN)/.installed ## ruff, mypy (the tests too) and the import contracts (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy layers/esja functions local benchmarks tests
	$(BIN)/lint-imports

bench: $(BIN)/.installed ## run the benchmarks in benchmarks/ (figures and ratios against in-run baselines)
	@failed=""; for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "over budget:$$failed"; exit 1; fi

serve: $(BIN)/.installed ## the public pages on http://127.0.0.1:3000 with moto; e-mails in out/outbox/
	$(BIN)/python -m local.serve

moto: $(BIN)/.installed ## a moto server with the template's resources, for the esja command (prints the env)
	$(BIN)/python -m local.moto_server

validate: $(BIN)/.installed ## cfn-lint (with the serverless rules) and the SAM transform on template.yaml
	$(BIN)/cfn-lint --append-rules cfn_lint_serverless.rules -- template.yaml
	$(BIN)/pytest -q tests/integration/test_template.py

$(SAM_ENV)/bin/sam: tools/requirements-sam.txt
	$(PYTHON) -m venv $(SAM_ENV)
	$(SAM_ENV)/bin/pip install -qq -r tools/requirements-sam.txt

build: $(SAM_ENV)/bin/sam ## sam build without Docker (needs python3.12 on PATH)
	$(if $(PYENV_312),PYENV_VERSION=$(PYENV_312)) $(SAM_ENV)/bin/sam build

clean: ## remove the virtual environments, build output and out/
	rm -rf $(VENV) .tools .aws-sam out .pytest_cache .mypy_cache .ruff_cache
