#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium and the pinned npm packages
# (playwright-core to drive Chromium, axe-core to audit accessibility) in tests/browser.
# Idempotent: returns quickly when everything is present. Never downloads a browser
# build of its own: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set and Chromium comes from apt.
set -euo pipefail
cd "$(dirname "$0")/.."

need_chromium=0
command -v chromium >/dev/null 2>&1 || need_chromium=1
if [ "$need_chromium" = 1 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[browser-tools] installing Debian's chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  else
    echo "[browser-tools] Chromium is missing and cannot be installed here (needs root and apt-get)." >&2
    echo "[browser-tools] Install Debian's 'chromium' package (or set CHROMIUM=/path/to/chromium)." >&2
    exit 3
  fi
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "[browser-tools] npm is missing: install Node.js 18 or newer with npm." >&2
  exit 3
fi
if [ ! -f tests/browser/node_modules/.package-lock.json ] || \
   ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.installed-lock; then
  echo "[browser-tools] installing pinned npm packages in tests/browser"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund --silent
  cp tests/browser/package-lock.json tests/browser/node_modules/.installed-lock
fi
echo "[browser-tools] ready: $(command -v chromium)"
