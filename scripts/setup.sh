#!/usr/bin/env bash
# One-time system setup on Debian/Ubuntu: Mesa's lavapipe (a Vulkan driver that
# runs compute shaders on the CPU) and the Vulkan loader, so the GPU backend and
# its tests run on machines without a GPU. Idempotent; needs root or sudo.
#
# On Debian 12 (bookworm), Mesa comes from bookworm-backports (Mesa 25). Its
# lavapipe runs the path kernel about 1.5x faster than bookworm's own 22.3, with
# the same results bit for bit (results/2026-11-26-bench-path-step-mesa25.md).
# It compiles the large study kernel more slowly the first time: about 2.5 min
# for each kernel shape instead of 25 s, then Mesa caches it. Set
# VIXHEDGE_SYSTEM_MESA=1 to keep the distribution's Mesa.
set -euo pipefail
codename="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
backports=""
if [ "$codename" = bookworm ] && [ "${VIXHEDGE_SYSTEM_MESA:-0}" != 1 ]; then
  backports=bookworm-backports
fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}
needed=false
for p in mesa-vulkan-drivers libvulkan1; do
  installed "$p" || needed=true
done
if [ -n "$backports" ] && installed mesa-vulkan-drivers; then
  case "$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)" in
    *bpo12*) ;;
    *) needed=true ;;
  esac
fi
if [ "$needed" = false ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
target=()
if [ -n "$backports" ]; then
  if ! grep -rqs "$backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian $backports main" |
      $sudo tee /etc/apt/sources.list.d/vixhedge-bookworm-backports.list >/dev/null
  fi
  target=(-t "$backports")
fi
$sudo apt-get update -qq
install() {
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" \
    mesa-vulkan-drivers libvulkan1
}
if ! install "${target[@]}"; then
  if [ -n "$backports" ]; then
    echo "setup: Mesa from $backports failed to install; using Debian 12's own (slower lavapipe)" >&2
    install
  else
    exit 1
  fi
fi
