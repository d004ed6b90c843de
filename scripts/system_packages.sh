#!/usr/bin/env bash
# Debian packages the tests need: Chromium (browser tests), Thai fonts (PDF fallback), HarfBuzz subsetting (WeasyPrint
# embeds font subsets with it; without it, it falls back to slower fontTools), poppler (PDF to PNG),
# gettext (translations). Installed when missing and running as root; otherwise say what is missing.
set -euo pipefail
here=$(dirname "$0")
"$here/step.sh" "System packages (chromium, fonts-thai-tlwg, libharfbuzz-subset0, poppler-utils, gettext)"
missing=()
for package in chromium fonts-thai-tlwg libharfbuzz-subset0 poppler-utils gettext; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  "$here/fail.sh" "Missing system packages: ${missing[*]}. Install them (Debian: sudo apt-get install --no-install-recommends ${missing[*]})."
fi
echo "installing: ${missing[*]}"
apt-get update -qq || "$here/fail.sh" "apt-get update failed (no network to the Debian mirror?)."
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || "$here/fail.sh" "apt-get could not install: ${missing[*]}."
