#!/usr/bin/env bash
# Fails, listing the drifted files, when generated/ or kong/kong.yml differs from what the contracts produce.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$repo/scripts/generate.sh" "$fresh/generated" "$fresh/kong/kong.yml" >/dev/null
drift=$(
  diff -rq --exclude=__pycache__ "$repo/generated" "$fresh/generated"
  diff -q "$repo/kong/kong.yml" "$fresh/kong/kong.yml"
) || true
if [ -n "$drift" ]; then
  echo "generated/ or kong/kong.yml has drifted from contracts/ (run 'make generate' and commit):" >&2
  echo "$drift" | sed "s|$fresh/||; s|$repo/||" >&2
  exit 1
fi
echo "generated/ and kong/kong.yml are up to date with contracts/"
