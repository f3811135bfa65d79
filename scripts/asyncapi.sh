#!/usr/bin/env bash
# Runs the project's AsyncAPI CLI with its anonymous usage metrics off (they would phone home).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export ASYNCAPI_METRICS_CONFIG_PATH=$repo/scripts/asyncapi-analytics.json CI=true
exec "$repo/node_modules/.bin/asyncapi" "$@"
