#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through its chromedriver. Installs both when missing (as root, or with
# sudo without a password); otherwise says what to install.
set -euo pipefail

if command -v chromium > /dev/null && command -v chromedriver > /dev/null; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif sudo -n true 2> /dev/null; then
    as_root=(sudo -n)
else
    echo "The browser tests need the Debian packages chromium and chromium-driver; install them as root:" >&2
    echo "  apt-get install -y chromium chromium-driver" >&2
    exit 1
fi
echo "Installing chromium and chromium-driver for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
# Another apt-get (a second build, unattended upgrades) may hold the package lock for a while: wait for it.
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends chromium chromium-driver
