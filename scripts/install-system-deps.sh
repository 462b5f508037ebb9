#!/usr/bin/env bash
# Install the Debian packages the tests need (Chromium, fonts, PDF tools). Run as root.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root to install Chromium; browser tests skip without it." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  chromium fonts-dejavu-core fonts-liberation poppler-utils \
  libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
