#!/usr/bin/env bash
# One-time system setup on Debian/Ubuntu: Mesa's lavapipe (a Vulkan driver that
# runs compute shaders on the CPU) and the Vulkan loader, so the GPU backend and
# its tests run on machines without a GPU. Idempotent; needs root or sudo.
set -euo pipefail
pkgs=(mesa-vulkan-drivers libvulkan1)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
