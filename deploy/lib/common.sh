# shellcheck shell=bash
# Shared paths and helpers for the deploy scripts. Sourced, never executed.

TERRITORIO_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TERRITORIO_DEPLOY="$TERRITORIO_REPO/deploy"
TERRITORIO_VENV="${TERRITORIO_VENV:-$TERRITORIO_REPO/.venv}"
TERRITORIO_RUN="$TERRITORIO_REPO/.run"
TERRITORIO_LOG="$TERRITORIO_RUN/log"
TERRITORIO_SECRETS_DIR="${TERRITORIO_SECRETS_DIR:-/etc/territorio}"
TERRITORIO_SECRETS="$TERRITORIO_SECRETS_DIR/secrets.env"
TERRITORIO_CKAN_INI="$TERRITORIO_RUN/ckan.ini"
TERRITORIO_TEST_INI="$TERRITORIO_RUN/test.ini"
# Test databases and Redis db: a second clone (a git worktree) running its tests at the
# same time picks its own, e.g. TERRITORIO_TEST_DB=ckan_test_b TERRITORIO_TEST_REDIS_DB=4.
TERRITORIO_TEST_DB="${TERRITORIO_TEST_DB:-ckan_test}"
TERRITORIO_TEST_DATASTORE_DB="${TERRITORIO_TEST_DATASTORE_DB:-datastore_${TERRITORIO_TEST_DB#ckan_}}"
TERRITORIO_TEST_REDIS_DB="${TERRITORIO_TEST_REDIS_DB:-2}"
TERRITORIO_PG_HOST="127.0.0.1"
TERRITORIO_PG_PORT="${TERRITORIO_PG_PORT:-5432}"
TERRITORIO_REDIS_PORT="${TERRITORIO_REDIS_PORT:-6379}"
TERRITORIO_MQTT_PORT="${TERRITORIO_MQTT_PORT:-1883}"
TERRITORIO_WEB_HOST="127.0.0.1"
TERRITORIO_WEB_PORT="${TERRITORIO_WEB_PORT:-5000}"
TERRITORIO_SITE_URL="http://$TERRITORIO_WEB_HOST:$TERRITORIO_WEB_PORT"

# bash 5.2 would expand "&" in ${var//pattern/replacement}; templates hold URLs.
shopt -u patsub_replacement 2>/dev/null || true

export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [[ -t 1 ]]; then
    _c_bold=$'\e[1m' _c_red=$'\e[31m' _c_yellow=$'\e[33m' _c_off=$'\e[0m'
else
    _c_bold="" _c_red="" _c_yellow="" _c_off=""
fi

step() { printf '%s==> %s%s\n' "$_c_bold" "$*" "$_c_off"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '%s[aviso] %s%s\n' "$_c_yellow" "$*" "$_c_off" >&2; }
die() { printf '%s[error] %s%s\n' "$_c_red" "$*" "$_c_off" >&2; exit 1; }

require_root() {
    [[ $EUID -eq 0 ]] || die "Este script instala paquetes y crea bases de datos: ejecútelo como root."
}

has_cmd() { command -v "$1" >/dev/null 2>&1; }

has_systemd() { [[ -d /run/systemd/system ]]; }

# Runs a command, keeping its output in a log file and showing it only on failure.
run_logged() {
    local logfile="$1"; shift
    mkdir -p "$(dirname "$logfile")"
    if ! "$@" >"$logfile" 2>&1; then
        warn "Falló: $* (últimas líneas de $logfile):"
        # pip repeats a harmless warning per package for this machine's local indexes.
        grep -v 'is ignored: it is neither a file nor a directory' "$logfile" | tail -n 40 >&2
        return 1
    fi
}

# Replaces @NAME@ placeholders in a template with the values of the shell variables NAME.
render_template() {
    local template="$1" output="$2" content name
    content="$(<"$template")"
    for name in $(grep -o '@[A-Z_][A-Z0-9_]*@' "$template" | sort -u | tr -d '@'); do
        [[ -v $name ]] || die "Falta la variable $name para la plantilla $template"
        content="${content//@$name@/${!name}}"
    done
    printf '%s\n' "$content" >"$output"
}

file_hash() { if [[ -f "$1" ]]; then sha256sum "$1" | cut -d' ' -f1; else echo none; fi; }

venv_bin() { printf '%s/bin/%s' "$TERRITORIO_VENV" "$1"; }

ckan_cli() {
    local ini="$1"; shift
    "$(venv_bin ckan)" -c "$ini" "$@"
}

ensure_run_dirs() {
    mkdir -p "$TERRITORIO_RUN" "$TERRITORIO_LOG"
    chmod 700 "$TERRITORIO_RUN"
}
