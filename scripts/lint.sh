#!/usr/bin/env bash
# Lints hand-written code and every contract; reports every failure (file and reason), exits 1 if any.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export PATH=$repo/.venv/bin:$repo/node_modules/.bin:$PATH
failures=()

check() {  # check LABEL COMMAND...   (SHOW_OUTPUT=1 check ...: print the output when it passes too)
  local output
  if output=$("${@:2}" 2>&1); then
    printf 'ok    %s\n' "$1"
    if [ -n "${SHOW_OUTPUT:-}" ]; then printf '%s\n' "$output" | sed 's/^/      /'; fi
  else
    printf 'FAIL  %s\n%s\n' "$1" "$output" | sed '2,$s/^/      /'
    failures+=("$1")
  fi
}

check "ruff (handlers mesh bench scripts tests)" ruff check handlers mesh bench scripts tests
check "ruff format --check (handlers mesh bench scripts tests)" ruff format --check handlers mesh bench scripts tests
# Types of handlers/ and mesh/ against generated/ ([tool.mypy] in pyproject.toml): a stale attribute fails.
check "mypy (handlers mesh)" mypy
for spec in contracts/openapi/*.yaml; do
  [ "$(basename "$spec")" = components.yaml ] && continue
  check "openapi-spec-validator $spec" openapi-spec-validator "$spec"
done
check "buf lint contracts/proto" buf lint contracts/proto
# The box office's types from the contracts (openapi-typescript), then tsc: a contract change that breaks the app fails.
check "tsc --noEmit (web, types generated from the contracts)" npm run --prefix web --silent typecheck
for sdl in contracts/graphql/*.graphql; do
  check "graphql-core build_schema $sdl" python scripts/check_graphql.py "$sdl"
done
check "asyncapi validate contracts/asyncapi/events.yaml" \
  scripts/asyncapi.sh validate contracts/asyncapi/events.yaml --fail-severity error
# Breaking changes against the merge base with main (HEAD~1 on main's tip); shows its base and warnings.
SHOW_OUTPUT=1 check "breaking changes without a major bump (scripts/contract_gate.py)" python scripts/contract_gate.py

if ((${#failures[@]})); then
  printf '\n%d lint check(s) failed: %s\n' "${#failures[@]}" "${failures[*]}" >&2
  exit 1
fi
