# CineMesh entry points. `make up` runs the mesh with demo data; `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
WEB_STAMP := web/node_modules/.installed

.PHONY: install infra infra-down keys generate check-generated lint test test-unit test-integration \
        test-contract test-e2e test-faults test-browser browser web up down demo seed bench asyncapi-docs clean \
        jaeger

install: $(STAMP) $(NODE_STAMP) $(WEB_STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# The box office's own npm project (web/package.json: its bundler and type tools, apart from the
# contract tools above).
$(WEB_STAMP): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	touch $(WEB_STAMP)

# The box office: types from the contracts, tsc, then the bundle in web/dist (served by mesh.web).
web: install
	npm run --prefix web --silent build

infra:
	scripts/infra.sh up

infra-down:
	scripts/infra.sh down

browser:
	scripts/browser.sh

keys: $(STAMP)
	$(PY) -m handlers.common.dev_keys

generate: install
	scripts/generate.sh generated

check-generated: install
	scripts/check_generated.sh

lint: install
	scripts/lint.sh

test: install infra keys browser web
	scripts/lint.sh
	scripts/run_tests.sh

test-unit: install keys
	scripts/test_unit.sh

test-integration: install infra keys
	$(PY) -m pytest -m integration

test-contract: install infra keys
	$(PY) -m pytest -m contract

test-e2e: install infra keys web
	$(PY) -m pytest -m e2e

# The fault suite (tests/faults): its own infrastructure (scripts/faults_infra.sh) and mesh, every fault at
# the issue's sizes. CINEMESH_FAULTS=ci .venv/bin/python -m pytest -m faults runs the CI subset.
test-faults: install keys
	CINEMESH_FAULTS=$${CINEMESH_FAULTS:-full} $(PY) -m pytest -p no:cacheprovider -m faults tests/faults

test-browser: install browser web
	$(PY) -m pytest -m browser

# Traced unless CINEMESH_TRACING says otherwise (`python -m mesh trace <id>` reads .run/traces), and
# to Jaeger too once `make jaeger` built it; Prometheus on :9090 when Debian's package is installed
# (scripts/prometheus.sh tries).
up: install infra keys web
	scripts/prometheus.sh
	otlp=$$($(PY) -m mesh.jaeger up) && \
	  CINEMESH_OTLP_ENDPOINT=$${CINEMESH_OTLP_ENDPOINT:-$$otlp} CINEMESH_TRACING=$${CINEMESH_TRACING:-on} \
	  $(PY) -m mesh up
	$(PY) -m mesh.prometheus up

down:
	$(PY) -m mesh.prometheus down
	$(PY) -m mesh down
	$(PY) -m mesh.jaeger down

# Jaeger from the Go module proxy, once (7 to 12 minutes): `make up` then runs it.
jaeger:
	scripts/jaeger.sh >/dev/null

demo: install
	$(PY) -m mesh demo

seed: install infra keys
	$(PY) -m mesh seed

bench: install infra keys web
	$(PY) -m bench

asyncapi-docs: install
	scripts/asyncapi_docs.sh

clean:
	rm -rf $(VENV) node_modules .run
