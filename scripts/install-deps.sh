#!/usr/bin/env bash
# Installs the Debian 12 packages Priora builds and tests with. Idempotent:
# packages already present are not fetched again.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libsodium-dev liblmdb-dev libboost-dev libboost-system-dev
  libcereal-dev libcli11-dev catch2 libspdlog-dev nlohmann-json3-dev
)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
