# shellcheck shell=bash
# The portal's own processes (gunicorn, jobs worker, harvest consumers) under a
# supervisord that belongs to this clone. The machine's PostgreSQL, Redis and Mosquitto are
# not ours and are never stopped here.

TERRITORIO_SUPERVISOR_CONF="$TERRITORIO_RUN/supervisord.conf"
TERRITORIO_SUPERVISOR_PID="$TERRITORIO_RUN/supervisord.pid"
# Queues the jobs worker listens on: CKAN's default and the project's own.
TERRITORIO_JOB_QUEUES="${TERRITORIO_JOB_QUEUES:-default territorio}"

_supervisor_sock() {
    local sock="$TERRITORIO_RUN/supervisor.sock"
    # Unix socket paths are limited to 107 bytes; a deep clone falls back to /run.
    if ((${#sock} > 100)); then
        sock="/run/territorio-$(printf '%s' "$TERRITORIO_REPO" | sha256sum | cut -c1-12).sock"
    fi
    printf '%s' "$sock"
}

supervisorctl_() { "$(venv_bin supervisorctl)" -c "$TERRITORIO_SUPERVISOR_CONF" "$@"; }

supervisord_running() {
    local pid
    [[ -f "$TERRITORIO_SUPERVISOR_PID" ]] || return 1
    pid="$(<"$TERRITORIO_SUPERVISOR_PID")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *supervisord* ]]
}

write_supervisor_conf() {
    local SUPERVISOR_SOCK LOG_DIR RUN_DIR REPO VENV CKAN_INI WEB_BIND JOB_QUEUES HARVEST_REDIS_URL tmp
    SUPERVISOR_SOCK="$(_supervisor_sock)"
    LOG_DIR="$TERRITORIO_LOG" RUN_DIR="$TERRITORIO_RUN" REPO="$TERRITORIO_REPO"
    VENV="$TERRITORIO_VENV" CKAN_INI="$TERRITORIO_CKAN_INI"
    WEB_BIND="$TERRITORIO_WEB_HOST:$TERRITORIO_WEB_PORT" JOB_QUEUES="$TERRITORIO_JOB_QUEUES"
    HARVEST_REDIS_URL="redis://127.0.0.1:$TERRITORIO_REDIS_PORT/1?socket_timeout=604800"
    tmp="$(mktemp)"
    render_template "$TERRITORIO_DEPLOY/supervisord.conf.in" "$tmp"
    if cmp -s "$tmp" "$TERRITORIO_SUPERVISOR_CONF"; then
        rm -f "$tmp"
        return 1
    fi
    mv "$tmp" "$TERRITORIO_SUPERVISOR_CONF"
    chmod 600 "$TERRITORIO_SUPERVISOR_CONF"
    return 0
}

port_in_use() {
    (exec 3<>"/dev/tcp/$TERRITORIO_WEB_HOST/$TERRITORIO_WEB_PORT") 2>/dev/null
}

# start_services RESTART(0|1): starts what is not running; restarts everything
# when RESTART=1 (new code, dependencies or configuration).
start_services() {
    local restart="$1" conf_changed=0
    write_supervisor_conf && conf_changed=1
    if ! supervisord_running; then
        if port_in_use; then
            die "El puerto $TERRITORIO_WEB_PORT ya está ocupado por otro proceso; libérelo o use TERRITORIO_WEB_PORT."
        fi
        step "Iniciando los procesos del portal (supervisord)..."
        "$(venv_bin supervisord)" -c "$TERRITORIO_SUPERVISOR_CONF" \
            || die "supervisord no arrancó; vea $TERRITORIO_LOG/supervisord.log"
        _wait_supervisor
        return 0
    fi
    if ((conf_changed)); then
        step "Aplicando la nueva configuración de procesos..."
        supervisorctl_ update >/dev/null
    fi
    if ((restart)); then
        step "Reiniciando los procesos del portal (hubo cambios)..."
        supervisorctl_ restart all >/dev/null
    else
        # `start all` leaves running programs alone.
        supervisorctl_ start all >/dev/null || true
    fi
}

_wait_supervisor() {
    local i
    for i in $(seq 1 20); do
        supervisorctl_ pid >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    die "supervisord no responde; vea $TERRITORIO_LOG/supervisord.log"
}

stop_services() {
    if ! supervisord_running; then
        info "Los procesos del portal no están en marcha."
        return 0
    fi
    local pid i
    pid="$(<"$TERRITORIO_SUPERVISOR_PID")"
    step "Deteniendo los procesos del portal..."
    supervisorctl_ shutdown >/dev/null
    for i in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { info "Detenidos."; return 0; }
        sleep 0.5
    done
    die "supervisord (pid $pid) no terminó en 30 s"
}

status_url() { printf '%s/api/3/action/status_show' "$TERRITORIO_SITE_URL"; }

portal_answers() {
    local body
    body="$(curl -fsS --max-time 5 "$(status_url)" 2>/dev/null)" || return 1
    [[ "$body" =~ \"success\":\ *true ]]
}

wait_for_portal() {
    local i
    step "Esperando a que el portal responda en $TERRITORIO_SITE_URL..."
    for i in $(seq 1 120); do
        portal_answers && { info "El portal responde."; return 0; }
        if ((i % 10 == 0)) && [[ ! "$(supervisorctl_ status web 2>/dev/null)" =~ RUNNING|STARTING ]]; then
            tail -n 40 "$TERRITORIO_LOG/web.log" >&2 || true
            die "gunicorn no está en marcha; vea $TERRITORIO_LOG/web.log"
        fi
        sleep 1
    done
    tail -n 40 "$TERRITORIO_LOG/web.log" >&2 || true
    die "El portal no respondió en 120 s; vea $TERRITORIO_LOG/web.log"
}

show_status() {
    step "Servicios de la máquina"
    if pg_ready; then info "PostgreSQL: en marcha"; else info "PostgreSQL: no responde"; fi
    if redis_ready; then info "Redis: en marcha"; else info "Redis: no responde"; fi
    if mosquitto_ready; then info "Mosquitto: en marcha"; else info "Mosquitto: no responde"; fi
    step "Procesos del portal"
    if supervisord_running; then
        supervisorctl_ status | sed 's/^/    /' || true
    else
        info "supervisord no está en marcha (make up para iniciarlo)."
    fi
    if portal_answers; then
        info "Portal: responde en $TERRITORIO_SITE_URL"
    else
        info "Portal: no responde en $TERRITORIO_SITE_URL"
    fi
}
