#!/usr/bin/env bash
# Runs oasdiff (OpenAPI diff), building it once with `go install` into the CineMesh cache
# (~/.cache/cinemesh, like FerretDB); later runs reuse the binary. `scripts/oasdiff.sh --path`
# only prints the binary's path (building it when missing).
set -euo pipefail
version=v1.38.0
cache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/cinemesh
bin=$cache_dir/oasdiff-$version/oasdiff
if [ ! -x "$bin" ]; then
  printf '[oasdiff] building oasdiff %s with go install (about 75 s, once; cached at %s)\n' "$version" "$bin" >&2
  mkdir -p "$cache_dir"
  staging=$(mktemp -d "$cache_dir/oasdiff-build.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  GOBIN=$staging GOFLAGS=-buildvcs=false go install -trimpath "github.com/oasdiff/oasdiff@$version" >&2
  mkdir -p "$(dirname "$bin")"
  mv "$staging/oasdiff" "$bin"
fi
if [ "${1:-}" = --path ]; then
  echo "$bin"
  exit 0
fi
exec "$bin" "$@"
