#!/usr/bin/env bash
# The unit tests, self-contained: their own keys (make keys) and no network at all, so a test that
# reaches a database, a broker or any server fails instead of passing on whatever runs here.
# Runs pytest in a fresh network namespace (unshare: as root, or rootless where user namespaces are
# allowed); where neither is possible it says so and runs without that guard.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
pytest=(.venv/bin/python -m pytest -p no:cacheprovider -m unit "$@")
for isolate in "unshare --net" "unshare --net --map-root-user"; do
  if $isolate true 2>/dev/null; then
    exec $isolate "${pytest[@]}"
  fi
done
echo "test_unit: no network namespace available here; running without the no-network guard" >&2
exec "${pytest[@]}"
