#!/usr/bin/env bash
# The system tests drive programs we did not write, from Debian packages: Chromium through its chromedriver (the
# dashboard) and Prometheus (remote write, its query API as a client). Installs the packages whose commands are
# missing (as root, or with sudo without a password); otherwise says what to install.
# Arguments: command=package pairs, e.g. chromedriver=chromium-driver.
set -euo pipefail

missing=()
for pair in "$@"; do
    command="${pair%%=*}"
    package="${pair#*=}"
    if ! command -v "$command" > /dev/null && [[ " ${missing[*]} " != *" $package "* ]]; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif sudo -n true 2> /dev/null; then
    as_root=(sudo -n)
else
    echo "The system tests need the Debian packages ${missing[*]}; install them as root:" >&2
    echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
echo "Installing ${missing[*]} for the system tests..."
export DEBIAN_FRONTEND=noninteractive
# Another apt-get (a second build, unattended upgrades) may hold the package lock for a while: wait for it.
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
