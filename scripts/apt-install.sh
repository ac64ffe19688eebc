# Sourced by install-tex.sh and install-sandbox.sh (not run on its own).
#
# apt_install_or_explain TAG NOTE PACKAGE...
#   Install Debian packages with apt-get, as root or with sudo when that needs no password,
#   refreshing the package lists only if the first try fails. On a machine without
#   apt-get, or without a way to become root, it says why, prints the caller's `explain`
#   and exits 1. TAG names the caller in messages; NOTE says how big the install is.
apt_install_or_explain() {
  local tag=$1 note=$2
  shift 2
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    echo "$tag: this is not Debian or Ubuntu (no apt-get), so nothing was installed." >&2
    explain >&2
    exit 1
  fi
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      echo "$tag: installing needs root (and sudo asks for a password or is missing)." >&2
      explain >&2
      exit 1
    fi
  fi
  echo "$tag: installing $* ($note)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "$@"; then
    "${as_root[@]}" apt-get update -q
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "$@"
  fi
}
