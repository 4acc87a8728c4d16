# shellcheck shell=bash
# Debian packages and the machine's PostgreSQL, Redis and Mosquitto: install where missing,
# start where stopped, reuse where running. Never stops them.

_APT_UPDATED=0

pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

apt_ensure() {
    local missing=() pkg
    for pkg in "$@"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    info "Instalando paquetes Debian: ${missing[*]}"
    if ((!_APT_UPDATED)); then
        run_logged "$TERRITORIO_LOG/apt.log" apt-get update -q || die "apt-get update falló"
        _APT_UPDATED=1
    fi
    run_logged "$TERRITORIO_LOG/apt.log" \
        apt-get install -y -q --no-install-recommends "${missing[@]}" \
        || die "No se pudieron instalar: ${missing[*]}"
}

# python3 on PATH (pyenv or Debian's), 3.10 to 3.12, able to create a venv and build psycopg2.
TERRITORIO_PYTHON=""
ensure_python() {
    local py
    if ! py="$(command -v python3)"; then
        apt_ensure python3 python3-venv python3-dev
        py="$(command -v python3)"
    fi
    "$py" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
        || die "Se necesita Python 3.10–3.12; python3 en el PATH es $("$py" --version 2>&1)"
    if [[ "$(readlink -f "$py")" == /usr/bin/python3* ]]; then
        apt_ensure python3-venv python3-dev
    fi
    "$py" -c 'import ensurepip, venv' 2>/dev/null || die "$py no puede crear entornos virtuales (falta ensurepip)"
    TERRITORIO_PYTHON="$py"
}

ensure_base_packages() {
    step "Comprobando paquetes del sistema..."
    # psycopg2 compiles against libpq; python-magic loads libmagic at run time.
    local pkgs=(ca-certificates curl libpq-dev libmagic1)
    has_cmd gcc || pkgs+=(build-essential)
    has_cmd pg_isready || pkgs+=(postgresql-client-15)
    apt_ensure "${pkgs[@]}"
    ensure_python
}

ensure_test_packages() {
    step "Comprobando Chromium, ChromeDriver (pruebas de navegador) y shellcheck..."
    apt_ensure chromium chromium-driver shellcheck
}

# --- PostgreSQL -------------------------------------------------------------

pg_super() {
    # From / so psql does not complain about the caller's unreadable working dir.
    (cd / && PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@")
}

pg_ready() { pg_isready -q -h "$TERRITORIO_PG_HOST" -p "$TERRITORIO_PG_PORT" 2>/dev/null; }

ensure_postgresql() {
    if has_cmd pg_isready && pg_ready; then
        info "PostgreSQL ya está en marcha en $TERRITORIO_PG_HOST:$TERRITORIO_PG_PORT; se reutiliza."
    else
        if ! pkg_installed postgresql-15; then
            step "Instalando PostgreSQL 15 y PostGIS 3..."
            apt_ensure postgresql-15 postgresql-client-15 postgresql-15-postgis-3
        fi
        pg_ready || _start_postgresql
    fi
    _ensure_postgis_available
}

_start_postgresql() {
    step "Iniciando PostgreSQL 15..."
    if [[ -z "$(pg_lsclusters -h 2>/dev/null | awk '$1 == "15" && $2 == "main"')" ]]; then
        run_logged "$TERRITORIO_LOG/postgresql.log" pg_createcluster 15 main \
            || die "No se pudo crear el clúster 15/main"
    fi
    if has_systemd; then
        systemctl start postgresql@15-main || die "systemctl no pudo iniciar postgresql@15-main"
    else
        pg_ctlcluster --skip-systemctl-redirect 15 main start \
            || die "pg_ctlcluster no pudo iniciar el clúster 15/main"
    fi
    local i
    for i in $(seq 1 30); do
        pg_ready && return 0
        sleep 1
    done
    die "PostgreSQL no responde en $TERRITORIO_PG_HOST:$TERRITORIO_PG_PORT tras 30 s"
}

_ensure_postgis_available() {
    local major
    if [[ "$(pg_super -Atc "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" == 1 ]]; then
        return 0
    fi
    major="$(pg_super -Atc "SELECT current_setting('server_version_num')::int / 10000")"
    step "Instalando PostGIS 3 para PostgreSQL $major..."
    apt_ensure "postgresql-$major-postgis-3"
}

# --- Redis ------------------------------------------------------------------

redis_ready() {
    [[ "$(redis-cli -h 127.0.0.1 -p "$TERRITORIO_REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

ensure_redis() {
    if has_cmd redis-cli && redis_ready; then
        info "Redis ya está en marcha en 127.0.0.1:$TERRITORIO_REDIS_PORT; se reutiliza."
        return 0
    fi
    if ! has_cmd redis-server; then
        step "Instalando Redis..."
        apt_ensure redis-server
    fi
    redis_ready && return 0
    step "Iniciando Redis..."
    if has_systemd; then
        systemctl start redis-server || die "systemctl no pudo iniciar redis-server"
    else
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$TERRITORIO_REDIS_PORT" \
            --dir /var/lib/redis --logfile /var/log/redis/redis-server.log \
            || die "No se pudo iniciar redis-server"
    fi
    local i
    for i in $(seq 1 20); do
        redis_ready && return 0
        sleep 0.5
    done
    die "Redis no responde en 127.0.0.1:$TERRITORIO_REDIS_PORT"
}

# --- Mosquitto (MQTT broker of the stream consumer) ------------------------

mosquitto_ready() {
    (exec 3<>"/dev/tcp/127.0.0.1/$TERRITORIO_MQTT_PORT") 2>/dev/null
}

# Settings for a broker this script installs (a running one is reused as it is): local
# listener only, and room for the messages a stopped consumer has not acknowledged yet
# (Mosquitto keeps 1000 per session by default and drops the rest).
_mosquitto_conf() {
    local dir=/etc/mosquitto/conf.d file=/etc/mosquitto/conf.d/territorio.conf
    [[ -d "$dir" && ! -f "$file" ]] || return 0
    cat >"$file" <<CONF
# Territorio Inteligente (deploy/bootstrap.sh): broker local de la ingesta MQTT.
listener $TERRITORIO_MQTT_PORT 127.0.0.1
allow_anonymous true
persistence true
max_queued_messages 1000000
max_queued_bytes 1073741824
CONF
}

ensure_mosquitto() {
    if mosquitto_ready; then
        info "Mosquitto ya está en marcha en 127.0.0.1:$TERRITORIO_MQTT_PORT; se reutiliza."
        return 0
    fi
    if ! has_cmd mosquitto; then
        step "Instalando Mosquitto..."
        apt_ensure mosquitto
    fi
    _mosquitto_conf
    mosquitto_ready && return 0
    step "Iniciando Mosquitto..."
    if has_systemd; then
        systemctl start mosquitto || die "systemctl no pudo iniciar mosquitto"
    else
        mkdir -p /run/mosquitto /var/lib/mosquitto /var/log/mosquitto
        chown mosquitto: /run/mosquitto /var/lib/mosquitto /var/log/mosquitto 2>/dev/null || true
        mosquitto -d -c /etc/mosquitto/mosquitto.conf || die "No se pudo iniciar mosquitto"
    fi
    local i
    for i in $(seq 1 20); do
        mosquitto_ready && return 0
        sleep 0.5
    done
    die "Mosquitto no responde en 127.0.0.1:$TERRITORIO_MQTT_PORT"
}
