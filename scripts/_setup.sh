# Shared set-up for scripts/run and scripts/test: a virtualenv with the project
# installed, re-installed only when pyproject.toml changes. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${WIJKSTEM_VENV:-$ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3}"

apt_updated=0
apt_install() {
    # Installs Debian packages, running apt-get update once per script run.
    if [ "$apt_updated" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_venv() {
    local extras="$1" stamp
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON_BIN" -m venv "$VENV"
    fi
    stamp="$VENV/.wijkstem-$extras-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        echo "==> installing Python packages ($extras)"
        # Build-backend chatter goes to a log; it is shown only when the install fails.
        if ! { "$VENV/bin/python" -m pip install -q --upgrade pip &&
               "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]"; } >"$VENV/pip.log" 2>&1; then
            cat "$VENV/pip.log" >&2
            echo "installing Python packages failed" >&2
            exit 1
        fi
        touch "$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
}
