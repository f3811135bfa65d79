#!/usr/bin/env bash
# Fails, listing the drifted files, when generated/ differs from what the contracts produce.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$repo/scripts/generate.sh" "$fresh/generated" >/dev/null
if ! drift=$(diff -rq --exclude=__pycache__ "$repo/generated" "$fresh/generated"); then
  echo "generated/ has drifted from contracts/ (run 'make generate' and commit):" >&2
  echo "$drift" | sed "s|$fresh/||; s|$repo/||" >&2
  exit 1
fi
echo "generated/ is up to date with contracts/"
