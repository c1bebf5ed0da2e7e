#!/usr/bin/env bash
# Idempotent bootstrap: system packages, Python 3.13, .venv with the project installed, and
# interop/node_modules (the reference verifier the tests use).
# Safe to run on every `./run`: each step is skipped when already satisfied.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
log() { printf '[bootstrap] %s\n' "$*" >&2; }

# --- system packages: Arabic-capable fonts for the printed documents, poppler for PDF checks,
#     HarfBuzz's subsetter (for bench/print.py's WeasyPrint baseline: it embeds font subsets ten times
#     faster than with fontTools; the product typesets with Typst, which subsets fonts itself),
#     chromium's headless shell for the browser tests (Playwright drives Debian's build; never `playwright install`) ---
need_pkgs=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in fonts-hosny-amiri fonts-dejavu-core fonts-dejavu-extra poppler-utils libharfbuzz-subset0; do
  installed "$pkg" || need_pkgs+=("$pkg")
done
installed chromium-headless-shell || installed chromium || need_pkgs+=(chromium-headless-shell)
if ((${#need_pkgs[@]})); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    log "missing system packages: ${need_pkgs[*]} (run as root or install them)"; exit 1
  fi
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  log "installing system packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq >/dev/null
  # a release without the headless shell's package: the full chromium (tests/support/browser.py takes either)
  if [[ " ${need_pkgs[*]} " == *" chromium-headless-shell "* ]] && ! apt-cache show chromium-headless-shell >/dev/null 2>&1; then
    need_pkgs=("${need_pkgs[@]/#chromium-headless-shell/chromium}")
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# --- Python 3.13: $SHAHADA_PYTHON, then python3.13 / pyenv's 3.13.x, then python3 if it is 3.13+ ---
is_313() { "$@" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 13) else 1)' >/dev/null 2>&1; }
find_python() {
  if [[ -n "${SHAHADA_PYTHON:-}" ]] && is_313 "$SHAHADA_PYTHON"; then echo "$SHAHADA_PYTHON"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    local proot; proot="$(pyenv root)"
    for cand in "$proot"/versions/3.13*/bin/python3.13 "$proot"/versions/3.1[4-9]*/bin/python3; do
      [[ -x "$cand" ]] && is_313 "$cand" && { echo "$cand"; return; }
    done
  fi
  for cand in python3.13 python3; do
    local path; path="$(command -v "$cand" 2>/dev/null)" || continue
    is_313 "$path" && { echo "$path"; return; }
  done
  return 1
}

if [[ ! -x "$venv/bin/python" ]] || ! is_313 "$venv/bin/python"; then
  py="$(find_python)" || {
    log "no Python 3.13 found: ACA-Py 1.7 needs Python >= 3.13."
    log "install it (Debian 13: apt-get install python3; Debian 12: pyenv install 3.13) or set SHAHADA_PYTHON=/path/to/python3.13"
    exit 1
  }
  log "creating $venv with $py ($("$py" --version))"
  rm -rf "$venv"
  "$py" -m venv "$venv"
fi

# --- the project, reinstalled only when pyproject.toml changes ---
stamp="$venv/.shahada-installed"
want="$(sha256sum "$root/pyproject.toml" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  log "installing the project and its dependencies into $venv"
  "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install -q -e "$root[test,bench]"
  echo "$want" >"$stamp"
fi
# the project's bytecode, compiled now (files already up to date are skipped): every process
# reads it even where PYTHONDONTWRITEBYTECODE keeps them from writing it
"$venv/bin/python" -m compileall -q -j 0 -x '/(\.venv|node_modules|\.git)/' "$root" >/dev/null || true

# --- the reference verifier for the interoperability tests (interop/: Digital Bazaar's libraries,
#     pinned by package-lock.json): Node.js from Debian when missing, `npm ci` only when
#     node_modules is missing or the lockfile changed. Tests only: Shahada itself never runs Node. ---
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    log "Node.js is missing (the interoperability tests need node and npm): run as root or install nodejs npm"; exit 1
  fi
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  log "installing system packages: nodejs npm"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
interop="$root/interop"
# interop/ (the reference verifier) and interop/wallets/ (wallet-side clients the project did not
# write: @openid4vc/openid4vci for OID4VCI), each pinned by its own lockfile.
for npm_dir in "$interop" "$interop/wallets"; do
  npm_stamp="$npm_dir/node_modules/.shahada-installed"
  npm_want="$(sha256sum "$npm_dir/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$npm_stamp" || "$(cat "$npm_stamp")" != "$npm_want" ]]; then
    log "installing the pinned npm packages into $npm_dir/node_modules (npm ci)"
    (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$npm_want" >"$npm_stamp"
  fi
done
