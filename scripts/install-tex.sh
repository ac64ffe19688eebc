#!/usr/bin/env bash
# Install what `make pdf` needs besides Python: TeX Live with xelatex, latexmk and xindy,
# the LaTeX packages Sphinx and Jupyter Book load, the fonts the book uses, and poppler's
# pdftotext/pdfinfo/pdffonts for the PDF tests.
#
# Quick and silent when everything is there (whatever installed it). Otherwise, on
# Debian or Ubuntu, it installs the Debian packages below with apt-get (as root, or with
# sudo when that needs no password); anywhere else it stops and says what to install.
# Usage: scripts/install-tex.sh [--check]   (--check: report only, never install)
set -euo pipefail
# shellcheck source=scripts/apt-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"

# Debian packages (about 400 MB installed). Not texlive-fonts-extra (1.4 GB): the one
# file of it that Jupyter Book's LaTeX class loads, bbm.sty, is replaced by latex/bbm.sty.
PACKAGES=(
  latexmk texlive-xetex texlive-latex-recommended texlive-latex-extra
  texlive-fonts-recommended fonts-freefont-otf fonts-dejavu-core xindy poppler-utils
)
COMMANDS=(xelatex latexmk xindy kpsewhich fc-list pdftotext pdfinfo pdffonts)
# One or two files from each package, to catch a partial installation.
TEX_FILES=(fncychap.sty tabulary.sty ucharclasses.sty adjustbox.sty pgfplots.sty
  unicode-math.sty fontspec.sty booktabs.sty capt-of.sty needspace.sty latinmodern-math.otf)
FONTS=("FreeSerif" "FreeSans" "DejaVu Sans Mono")

missing() {
  local item
  for item in "${COMMANDS[@]}"; do
    command -v "$item" >/dev/null 2>&1 || echo "command $item"
  done
  if command -v kpsewhich >/dev/null 2>&1; then
    for item in "${TEX_FILES[@]}"; do
      [ -n "$(kpsewhich "$item" 2>/dev/null)" ] || echo "TeX file $item"
    done
  fi
  if command -v fc-list >/dev/null 2>&1; then
    for item in "${FONTS[@]}"; do
      [ -n "$(fc-list ":family=$item" family 2>/dev/null)" ] || echo "font $item"
    done
  fi
}

explain() {
  echo "The PDF needs TeX Live with xelatex, latexmk and xindy, the LaTeX packages of"
  echo "TeX Live's 'latex-extra' collection, the fonts FreeSerif/FreeSans (GNU FreeFont)"
  echo "and DejaVu Sans Mono, and poppler's pdftotext, pdfinfo and pdffonts."
  echo "On Debian or Ubuntu, as root:"
  echo "  apt-get install --no-install-recommends ${PACKAGES[*]}"
  echo "Elsewhere, install the equivalent (e.g. a full TeX Live, GNU FreeFont, DejaVu, poppler)."
}

gaps=$(missing)
if [ -z "$gaps" ]; then
  exit 0
fi
echo "install-tex: missing:" $(echo "$gaps" | tr '\n' ';' | sed 's/;$//; s/;/, /g') >&2
if [ "${1:-}" = "--check" ]; then
  explain >&2
  exit 1
fi

apt_install_or_explain install-tex "a few minutes, about 400 MB" "${PACKAGES[@]}"

gaps=$(missing)
if [ -n "$gaps" ]; then
  echo "install-tex: still missing after installing:" $gaps >&2
  explain >&2
  exit 1
fi
echo "install-tex: done" >&2
