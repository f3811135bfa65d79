#!/usr/bin/env bash
# Installs Debian's prometheus package when it is missing, best effort: `make up` starts Prometheus
# (python -m mesh.prometheus up) only when the binary is there, and the mesh runs without it.
set -euo pipefail

log() { printf '[prometheus] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

if command -v prometheus >/dev/null; then
  exit 0
fi
log "installing Debian's prometheus package (no recommends)"
if ! { as_root apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }; then
  log "could not install prometheus; the mesh runs without it (its /metrics endpoints still answer)"
fi
exit 0
