# shellcheck shell=bash
# Installs Debian packages that are missing (apt-get as root, or through sudo). Source it, then:
#   ensure_packages pkg1 pkg2 ...
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building and testing need: the two system libraries, a PostgreSQL server, an SMTP server, a DNS server
# (dnslib) and an independent DKIM verifier (dkimpy) for tests.
PURRPURR_TEST_PACKAGES=(libpq-dev libssl-dev postgresql python3-aiosmtpd python3-dkim python3-dnslib)
