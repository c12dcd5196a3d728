#!/usr/bin/env bash
# Installs Debian's Chromium for the headless-browser tests when it is missing and we may install packages.
# Without it the browser tests skip with a message; nothing else depends on it.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: chromium not found and cannot apt-get install it here; browser tests will be skipped" >&2
  exit 0
fi
echo "install-browser: installing Debian chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
  echo "install-browser: apt-get install chromium failed; browser tests will be skipped" >&2
fi
exit 0
