#!/usr/bin/env bash
# Writes the runtime AsyncAPI document FastStream derives from the running code, and browsable
# HTML for it and for the contract, into asyncapi/ (or OUT_DIR):
#   asyncapi.yaml / asyncapi.json   the runtime document (tests/contract compares it with the contract)
#   index.html / contract.html      @asyncapi/react-component pages (renderer copied from node_modules)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/asyncapi}
cd "$repo"
.venv/bin/python -m handlers.notification.asyncapi "$out"
if [ -x node_modules/.bin/asyncapi ]; then
  node_modules/.bin/asyncapi validate contracts/asyncapi/events.yaml >/dev/null
  node_modules/.bin/asyncapi validate "$out/asyncapi.yaml" >/dev/null || echo "note: runtime document has warnings" >&2
fi
echo "AsyncAPI docs written to $out (open $out/index.html)"
