#!/usr/bin/env bash
# Install the Debian packages the app and its tests load at run time, only those missing:
# - chromium: browser tests, and the chart images in PDF exports (kaleido drives it);
# - WeasyPrint's libraries, loaded with dlopen, so pip cannot bring them: GLib/GObject, Pango and
#   PangoFT2, HarfBuzz and its subsetter (without libharfbuzz-subset0 WeasyPrint warns, an error
#   under the tests' filterwarnings=error), fontconfig, and fonts to render with;
# - poppler-utils: pdftotext/pdftoppm for reading PDFs in tests and screenshots;
# - postgresql-client: pg_dump/pg_restore for `flask backup` on PostgreSQL.
# With --runtime, only what the app needs to start (`make run`: WeasyPrint is imported at start).
# Installing needs root; as another user it names what is missing and exits 0 (tests needing it
# then fail or skip with a reason).
set -euo pipefail
packages=(
  libglib2.0-0 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
  fontconfig fonts-dejavu-core fonts-liberation
)
if [ "${1:-}" != "--runtime" ]; then
  packages+=(chromium poppler-utils postgresql-client)
fi
missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages (run scripts/install-system-deps.sh as root): ${missing[*]}" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
