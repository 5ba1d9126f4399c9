#!/usr/bin/env bash
# Install what tests/test_review_browser.py needs on a fresh Debian machine:
# Debian's chromium (apt) and the Playwright Python driver (pip), which drives that chromium
# through executable_path=/usr/lib/chromium/chromium (the binary behind the /usr/bin/chromium
# launcher script). `playwright install` is never run: it downloads a browser build of its
# own, which is neither needed nor reachable here.
#
# Usage: scripts/install_browser.sh            (pip of $PYTHON, else the active venv, else .venv)
#        PYTHON=/path/to/venv/bin/python scripts/install_browser.sh
# It prints what apt, dpkg and pip print; `./dev test` keeps that in .venv/browser.log and shows
# it only when the script fails.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

CHROMIUM_PACKAGES=(chromium fonts-dejavu-core)   # fonts: so text renders in screenshots
PLAYWRIGHT_SPEC="playwright>=1.45"               # keep in step with the `test` extra

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pick_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"
  elif [ -n "${VIRTUAL_ENV:-}" ]; then echo "$VIRTUAL_ENV/bin/python"
  elif [ -x .venv/bin/python ]; then echo .venv/bin/python
  else echo python3
  fi
}

if command -v chromium >/dev/null 2>&1; then
  echo "chromium already installed: $(chromium --version 2>/dev/null || echo '?')"
else
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${CHROMIUM_PACKAGES[@]}"
  echo "installed $(chromium --version 2>/dev/null || echo chromium)"
fi

py="$(pick_python)"
if "$py" -c "import playwright" >/dev/null 2>&1; then
  echo "playwright already installed for $py"
else
  "$py" -m pip install -q "$PLAYWRIGHT_SPEC"
  echo "installed playwright for $py"
fi
