#!/usr/bin/env bash
# Debian packages the test suite runs for real: redis-server (the API tests start
# their own Redis on a free port), chromium (the browser tests drive it headless)
# and a Chinese font (so the pages' screenshots show characters, not boxes).
# haproxy: `make cluster` and the deploy tests put it in front of several API processes.
# Installs what is missing when run as root with apt-get; otherwise says what to install.
set -euo pipefail
missing=()
for pair in "redis-server:redis-server" "chromium:chromium" "fonts-wqy-microhei:" "haproxy:haproxy"; do
  pkg=${pair%%:*}; cmd=${pair##*:}
  if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then continue; fi
  dpkg -s "$pkg" >/dev/null 2>&1 && continue
  missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "error: please install ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
