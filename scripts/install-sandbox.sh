#!/usr/bin/env bash
# Install what `make grade` needs to run student code in a sandbox: bubblewrap (`bwrap`),
# with util-linux's setpriv and prlimit. Grading runs each submission in its own bwrap
# sandbox (no network, a private view of the file system, an unprivileged user; see
# src/cscbook_build/classroom/sandbox.py).
#
# Quick and silent when bwrap is there and works. Otherwise, on Debian or Ubuntu, it
# installs the Debian package `bubblewrap` with apt-get (as root, or with sudo when that
# needs no password); anywhere else it stops and says what to install. It then checks that
# bwrap can really make a sandbox here: some containers and some kernels (e.g. Ubuntu
# 24.04's AppArmor rule on unprivileged user namespaces) forbid it.
# Usage: scripts/install-sandbox.sh [--check]   (--check: report only, never install)
set -euo pipefail
# shellcheck source=scripts/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

PACKAGES=(bubblewrap util-linux)

works() {
  command -v bwrap >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 || return 1
  local extra=()
  [ "$(id -u)" -eq 0 ] || extra=(--unshare-user)
  bwrap --ro-bind / / --dev /dev --proc /proc --unshare-net --unshare-pid "${extra[@]}" \
    --die-with-parent true >/dev/null 2>&1
}

explain() {
  echo "Grading runs student code inside bubblewrap (bwrap)."
  echo "On Debian or Ubuntu, as root:  apt-get install bubblewrap"
  echo "On Fedora: dnf install bubblewrap; on Arch: pacman -S bubblewrap."
  echo "If bwrap is installed but cannot make a sandbox, user namespaces are disabled or"
  echo "restricted (a container without them, or Ubuntu 24.04's"
  echo "kernel.apparmor_restrict_unprivileged_userns=1): grade as root, or on a machine that allows them."
  echo "Without a sandbox, make grade refuses to run unless you pass UNSAFE=1 (not for untrusted work)."
}

if works; then
  exit 0
fi
if command -v bwrap >/dev/null 2>&1; then
  echo "install-sandbox: bwrap is installed but cannot create a sandbox here." >&2
  explain >&2
  exit 1
fi
echo "install-sandbox: bwrap (bubblewrap) is missing" >&2
if [ "${1:-}" = "--check" ]; then
  explain >&2
  exit 1
fi
apt_install_or_explain install-sandbox "under 1 MB" "${PACKAGES[@]}"
if ! works; then
  echo "install-sandbox: bwrap was installed but cannot create a sandbox here." >&2
  explain >&2
  exit 1
fi
echo "install-sandbox: done ($(bwrap --version))" >&2
