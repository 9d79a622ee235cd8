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
    # The distribution was called `workbench` before it became `kdba-workbench` (the
    # registry's `workbench` is someone else's): drop that old editable install of ours.
    if .venv/bin/python -m pip show workbench 2>/dev/null | grep -qx "Editable project location: $PWD"; then
        .venv/bin/python -m pip uninstall -q -y workbench
    fi
    echo "==> installing kdba-workbench${extras:+[$extras]} (import workbench) into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
    if [ "$extras" = "test" ]; then
        # pycanon (the k-anonymity cross-check in tests) pins old pandas/numpy exactly;
        # it only needs the ones we have, so install it alone.
        .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps "pycanon==1.3.6"
    fi
}
