#!/usr/bin/env bash
# Builds Jaeger (v2's all-in-one binary: OTLP receivers on 127.0.0.1:4317/4318, traces in memory,
# query API on 127.0.0.1:16686) once into the CineMesh cache; `make up` runs it when it is there
# (python -m mesh.jaeger up) and the services then export their spans to it as well.
# `go install github.com/jaegertracing/jaeger/cmd/jaeger@...` is refused (its go.mod has replace
# directives), so it is built as a tool of a scratch module: 5 minutes of CPU (7 to 12 minutes on a
# busy 2-core machine), a 120 MB binary.
# Built this way the UI is Jaeger's placeholder page (its assets are not in the Go module); the
# API answers (/api/traces/<id>), and `python -m mesh trace` prints traces from the span files.
# `scripts/jaeger.sh --path` prints the binary's path without building.
set -euo pipefail
version=v1.76.0  # Jaeger v2.13.0
cache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/cinemesh
bin=$cache_dir/jaeger-$version/jaeger
if [ "${1:-}" = --path ]; then
  echo "$bin"
  exit 0
fi
if [ ! -x "$bin" ]; then
  printf "[jaeger] building Jaeger %s (7 to 12 minutes, once; cached at %s)\\n" "$version" "$bin" >&2
  mkdir -p "$cache_dir"
  staging=$(mktemp -d "$cache_dir/jaeger-build.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  (
    cd "$staging"
    go mod init cinemesh.local/jaeger-build >/dev/null 2>&1
    GOFLAGS=-buildvcs=false go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$version" >/dev/null 2>&1
    GOFLAGS=-buildvcs=false go build -trimpath -o jaeger github.com/jaegertracing/jaeger/cmd/jaeger
  )
  mkdir -p "$(dirname "$bin")"
  mv "$staging/jaeger" "$bin"
fi
echo "$bin"
