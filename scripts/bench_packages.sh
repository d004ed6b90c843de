#!/usr/bin/env bash
# Debian packages the benchmarks need: wrk (HTTP load generator; the throughput figures drive gunicorn with it on
# 127.0.0.1). Installed when missing and running as root; otherwise say what is missing.
set -euo pipefail
here=$(dirname "$0")
"$here/step.sh" "Benchmark packages (wrk)"
missing=()
for package in wrk; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  "$here/fail.sh" "Missing packages for the benchmarks: ${missing[*]}. Install them (Debian: sudo apt-get install --no-install-recommends ${missing[*]})."
fi
echo "installing: ${missing[*]}"
apt-get update -qq || "$here/fail.sh" "apt-get update failed (no network to the Debian mirror?)."
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || "$here/fail.sh" "apt-get could not install: ${missing[*]}."
