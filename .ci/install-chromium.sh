#!/usr/bin/env bash
# Install Debian's Chromium for the tests that render the owner reports headless.
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
  || echo "warning: could not install chromium; the browser tests will say so" >&2
