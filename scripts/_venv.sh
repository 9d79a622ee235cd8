# Sourced by demo.sh and test.sh: create ./.venv with the given extras installed.
# Needs only python3 (>= 3.11) with pip and venv; everything else comes from PyPI.
ensure_venv() {
    local extras="${1:-}"
    local python="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        echo "==> creating .venv with $($python --version)"
        "$python" -m venv .venv
        .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    fi
    echo "==> installing workbench${extras:+[$extras]} into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
}
