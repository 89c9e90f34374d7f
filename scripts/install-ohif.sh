#!/usr/bin/env bash
# Fetches the prebuilt OHIF viewer (the `dist/` of the npm package @ohif/app) into .runtime/ohif.
# `npm install @ohif/app` cannot work (it depends on an unpublished @ohif/i18n), so the tarball is
# packed, checked against the registry's pinned integrity, and only its dist/ is unpacked.
set -euo pipefail

OHIF_PACKAGE="@ohif/app@3.13.2"
OHIF_INTEGRITY="sha512-WZdxmpmG7rqFgW9ZJLcbgr3XCtLi1KDNPoMaeY5PPe6j4G4fjEjjkycZM6C6Zk2F87BKxFfpq+jd5xXZB9E8EA=="

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/.runtime/ohif"
stamp="$target/.installed"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$OHIF_PACKAGE $OHIF_INTEGRITY" ]]; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$work" && npm pack --silent "$OHIF_PACKAGE" | tail -n 1)"
actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
if [[ "$actual" != "$OHIF_INTEGRITY" ]]; then
  echo "integrity mismatch for $OHIF_PACKAGE: expected $OHIF_INTEGRITY, got $actual" >&2
  exit 1
fi

rm -rf "$target"
mkdir -p "$target"
tar -xzf "$work/$tarball" -C "$target" --strip-components=2 package/dist
echo "$OHIF_PACKAGE $OHIF_INTEGRITY" > "$stamp"
echo "installed $OHIF_PACKAGE in $target ($(du -sh "$target" | cut -f1))"
