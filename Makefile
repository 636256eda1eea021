# Two entry points for a new Debian machine: `make demo` and `make test`.
# Both run scripts/bootstrap.sh first, which is safe to rerun.

VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: bootstrap demo test serve

bootstrap:
	bash scripts/bootstrap.sh

demo: bootstrap
	$(BIN)/docdiff demo

test: bootstrap
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: bootstrap
	$(BIN)/docdiff serve
