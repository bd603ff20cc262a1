# The two commands: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# Debian packages the suite drives for real: Chromium for the browser tests (Playwright uses
# Debian's build, never `playwright install`), Postfix and swaks for the tests that put a real MTA
# in front of Baton. `make test` installs the missing ones when it runs as root; otherwise it stops
# with one line giving the command.
SYSTEM_PACKAGES ?= chromium postfix swaks
MISSING_PACKAGES = $(shell for p in $(SYSTEM_PACKAGES); do \
	dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done)
INSTALL_COMMAND = apt-get update && apt-get install -y $(MISSING_PACKAGES)
SUDO_HINT = make test needs the Debian packages $(MISSING_PACKAGES); install them with: sudo apt-get update && sudo apt-get install -y $(MISSING_PACKAGES)

.PHONY: run test bench clean system-packages catalogue

# -qq: pip's own progress and notes stay quiet; errors still show.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing Baton and its dependencies into $(VENV) (pip)"
	@$(BIN)/python -m pip install -qq --upgrade pip
	@$(BIN)/python -m pip install -qq -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

system-packages:
	$(if $(MISSING_PACKAGES),$(if $(filter 0,$(shell id -u)),,$(error $(SUDO_HINT))))
	$(if $(MISSING_PACKAGES),DEBIAN_FRONTEND=noninteractive sh -c '$(INSTALL_COMMAND)')

# A development start: anyone may use it (no DNS is needed to try it out). Production
# keeps the default BATON_SENDER_POLICY=aligned (README, "Senders").
run: $(STAMP)
	$(BIN)/python server.py migrate
	BATON_SENDER_POLICY=$${BATON_SENDER_POLICY:-open} $(BIN)/python server.py serve

test: system-packages $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every sentence people read, from t("...") in Python and _("...") in templates, into the
# template catalogue, then merged into each language's catalogue (new sentences arrive empty,
# and tests/test_i18n.py fails until they are translated).
LANGUAGES ?= de fr es pt nl it
catalogue: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k t -k _ --no-location --sort-output --omit-header \
		-o composer/locales/baton.pot .
	for l in $(LANGUAGES); do \
		if [ -f composer/locales/$$l.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching --omit-header -l $$l -i composer/locales/baton.pot \
				-o composer/locales/$$l.po; \
		else $(BIN)/pybabel -q init -l $$l -i composer/locales/baton.pot -o composer/locales/$$l.po; fi; \
	done

# `make bench` runs every benchmark; `make bench growth accept` only those (BENCH_ARGS=--quick for a
# short run): the names after `bench` are its arguments, not targets of their own.
BENCH_NAMES := smtp analysis e2e jobs cli accept growth
bench: $(STAMP)
	$(BIN)/python -m bench $(filter $(BENCH_NAMES),$(MAKECMDGOALS)) $(BENCH_ARGS)
ifeq (bench,$(firstword $(MAKECMDGOALS)))
$(filter $(BENCH_NAMES),$(MAKECMDGOALS)):
	@:
endif

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
