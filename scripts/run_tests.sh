#!/usr/bin/env bash
# The whole test suite (what `make test` and CI run). Infra must be up (`make infra`).
# First the unit tests, without network (scripts/test_unit.sh), then everything else, with the fault
# suite's fixed-seed CI subset (CINEMESH_FAULTS=ci; `make test-faults` runs every fault at full size).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
status=0
scripts/test_unit.sh -q || status=$?
if [ "$status" -eq 0 ]; then
  CINEMESH_FAULTS=${CINEMESH_FAULTS:-ci} .venv/bin/python -m pytest -p no:cacheprovider -m "not unit" "$@" \
    || status=$?
fi
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
fi
exit "$status"
