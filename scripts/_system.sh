# Sourced by test.sh: the system packages the tests use (real servers, no mocks).
# Installs with apt-get when missing and we may (root); otherwise says what to install.
ensure_system_packages() {
    local missing=()
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    # The app's browser tests drive Debian's Chromium (no browser download); NanumGothic
    # lets it draw Korean in their screenshots. The template tests `git init` projects.
    command -v chromium >/dev/null || missing+=(chromium)
    [ -d /usr/share/fonts/truetype/nanum ] || missing+=(fonts-nanum)
    command -v git >/dev/null || missing+=(git)
    # A generated project sets itself up with make; offline tests bring loopback up with ip.
    command -v make >/dev/null || missing+=(make)
    command -v ip >/dev/null || missing+=(iproute2)
    # Reports printed to PDF are read back with pdftotext.
    command -v pdftotext >/dev/null || missing+=(poppler-utils)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "==> installing system packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "missing system packages: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
        return 1
    fi
}
