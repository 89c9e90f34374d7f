#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine, as root:
#   bash setup.sh start   installs everything and runs the whole system locally
#   bash setup.sh test    installs everything and runs every check and test
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

APT_PACKAGES=(
  orthanc orthanc-dicomweb   # staging archive and demo PACS (Orthanc 1.10.1 + DICOMweb plugin)
  dcmtk                      # storescu, findscu, dcmdump, dcmmkdir: real DICOM peers and tools
  python3-pydicom            # its public test files are our real-world DICOM test data
  python3-hl7                # mllp_send, a real external HL7 client for tests
  chromium fonts-liberation  # headless browser tests (playwright-core drives Debian's chromium)
  openssl ca-certificates git
)

install_apt_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ((${#missing[@]} > 0)); then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_node_and_packages() {
  bash scripts/install-node.sh
  # shellcheck source=scripts/env.sh
  source scripts/env.sh
  echo "==> npm ci (Node $(node --version))"
  # node-gyp must build any native addon against Node 24's headers, whatever ~/.npmrc says.
  npm_config_nodedir="$PWD/.runtime/node" npm ci --no-audit --no-fund --loglevel=error
  echo "==> building the web UI"
  npm run --silent build:web
  echo "==> installing the OHIF viewer and building our extension"
  bash scripts/install-ohif.sh
  npm run --silent build:ohif-extension
}

case "${1:-}" in
  start)
    install_apt_packages
    install_node_and_packages
    exec node scripts/dev-stack.ts
    ;;
  test)
    install_apt_packages
    install_node_and_packages
    started=$SECONDS
    echo "==> static checks"
    npm run --silent check
    echo "==> tests"
    node scripts/run-tests.ts
    echo "==> all checks and tests passed in $((SECONDS - started)) s"
    ;;
  *)
    echo "usage: bash setup.sh start|test" >&2
    exit 2
    ;;
esac
