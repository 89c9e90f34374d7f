# Sourced by every project script: puts the project's own Node 24 first on PATH.
# shellcheck shell=bash
outside_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$outside_root/.runtime/node/bin:$PATH"
# DCMTK (also inside Orthanc) is ten times slower on loopback with Nagle's algorithm on.
export TCP_NODELAY=1
