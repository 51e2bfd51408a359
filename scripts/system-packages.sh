#!/usr/bin/env bash
# Installs the Debian packages `make test` needs (PostgreSQL for the test
# matrix, Chromium for the browser tests, Redis for shared rate limits),
# skipping what is already there.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# For the rate-limit tests with RATE_LIMIT_STORAGE=redis://.
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# Fonts, so screenshots and layout in the browser tests have real glyphs.
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing system packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "need root to install ${missing[*]} (or install them yourself)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
