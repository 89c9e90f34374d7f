#!/usr/bin/env bash
# Runs a command with the project's Node 24 first on PATH, so `npm run ...` never falls back to the
# machine's end-of-life Node 20, whichever npm started it.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [[ ! -x "$outside_root/.runtime/node/bin/node" ]]; then
  echo "Node 24 is not installed yet: run bash scripts/install-node.sh (or bash setup.sh test)" >&2
  exit 1
fi
exec "$@"
