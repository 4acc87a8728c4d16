#!/usr/bin/env bash
# Takes a Debian 12 machine to a running Territorio Inteligente portal and back.
#   deploy/bootstrap.sh up       install what is missing, start what is stopped, load the demo
#   deploy/bootstrap.sh down     stop the processes started by `up` (not PostgreSQL/Redis/Mosquitto)
#   deploy/bootstrap.sh restart  restart the portal's processes
#   deploy/bootstrap.sh status   what is running
#   deploy/bootstrap.sh logs     follow the portal's logs
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/system.sh
source "$TERRITORIO_DEPLOY/lib/system.sh"
# shellcheck source=lib/database.sh
source "$TERRITORIO_DEPLOY/lib/database.sh"
# shellcheck source=lib/venv.sh
source "$TERRITORIO_DEPLOY/lib/venv.sh"
# shellcheck source=lib/config.sh
source "$TERRITORIO_DEPLOY/lib/config.sh"
# shellcheck source=lib/services.sh
source "$TERRITORIO_DEPLOY/lib/services.sh"
# shellcheck source=lib/ckan.sh
source "$TERRITORIO_DEPLOY/lib/ckan.sh"

cmd_up() {
    require_root
    [[ "$TERRITORIO_REPO" != *[[:space:]]* ]] || die "La ruta del repositorio no puede contener espacios: $TERRITORIO_REPO"
    ensure_run_dirs
    local started=$SECONDS
    ensure_base_packages
    step "Comprobando PostgreSQL, Redis y Mosquitto..."
    ensure_postgresql
    ensure_redis
    ensure_mosquitto
    ensure_secrets
    ensure_roles
    ensure_databases ckan_default datastore_default
    ensure_venv runtime
    write_ini main
    apply_datastore_permissions ckan_default datastore_default
    migrate_db "$TERRITORIO_CKAN_INI" "$TERRITORIO_LOG/db-upgrade.log"
    ensure_sysadmin
    local restart=0
    ((TERRITORIO_VENV_CHANGED || TERRITORIO_CONFIG_CHANGED)) && restart=1
    start_services "$restart"
    wait_for_portal
    ensure_search_index
    load_demo
    print_summary $((SECONDS - started))
}

print_summary() {
    local user="" password=""
    if [[ -f "$TERRITORIO_ADMIN_FILE" ]]; then
        user="$(sed -n 's/^user: //p' "$TERRITORIO_ADMIN_FILE")"
        password="$(sed -n 's/^password: //p' "$TERRITORIO_ADMIN_FILE")"
    fi
    printf '\n%s==> Portal Territorio Inteligente en marcha (%ss)%s\n' "$_c_bold" "$1" "$_c_off"
    info "URL:            $TERRITORIO_SITE_URL"
    info "Administrador:  ${user:-?}   contraseña: ${password:-?}   (guardada en $TERRITORIO_ADMIN_FILE)"
    info "Configuración:  $TERRITORIO_CKAN_INI"
    info "Registros:      $TERRITORIO_LOG/ (make logs)"
    info "Detener:        make down"
}

cmd_down() {
    stop_services
}

cmd_restart() {
    require_root
    supervisord_running || die "El portal no está en marcha; use make up."
    supervisorctl_ restart all
    wait_for_portal
}

cmd_status() {
    show_status
}

cmd_logs() {
    local files=("$TERRITORIO_LOG"/{web,jobs-worker,harvest-gather,harvest-fetch,supervisord}.log)
    local existing=() f
    for f in "${files[@]}"; do [[ -f "$f" ]] && existing+=("$f"); done
    ((${#existing[@]})) || die "Aún no hay registros en $TERRITORIO_LOG (make up primero)."
    if [[ -t 1 ]]; then
        exec tail -n 40 -F "${existing[@]}"
    fi
    tail -n 40 "${existing[@]}"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    restart) cmd_restart ;;
    status) cmd_status ;;
    logs) cmd_logs ;;
    *) die "Uso: $0 up|down|restart|status|logs" ;;
esac
