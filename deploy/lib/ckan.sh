# shellcheck shell=bash
# CKAN-level steps: migrations, the sysadmin, the search index, the demo data.

TERRITORIO_ADMIN_FILE="$TERRITORIO_RUN/admin.txt"
TERRITORIO_ADMIN_USER="admin"
TERRITORIO_ADMIN_EMAIL="admin@territorio.example"

# `ckan db upgrade` runs core migrations, then the pending ones of every enabled
# plugin that has a migration folder (activity, harvest, territorio when present);
# plugins without migrations are skipped by CKAN itself.
migrate_db() {
    local ini="$1" log="$2"
    step "Aplicando migraciones de CKAN y de los plugins..."
    run_logged "$log" ckan_cli "$ini" db upgrade || die "ckan db upgrade falló; vea $log"
    grep -E 'unapplied migrations for' "$log" | sed 's/^/    /' || true
    # observations tables from before the time-series indexes: add them, recount the totals
    run_logged "$TERRITORIO_LOG/timeseries-ensure.log" ckan_cli "$ini" territorio timeseries ensure \
        || die "ckan territorio timeseries ensure falló; vea $TERRITORIO_LOG/timeseries-ensure.log"
}

ensure_sysadmin() {
    local password="" sysadmins
    sysadmins="$(ckan_cli "$TERRITORIO_CKAN_INI" sysadmin list 2>/dev/null)" \
        || die "No se pudo listar los administradores (ckan sysadmin list)"
    [[ -f "$TERRITORIO_ADMIN_FILE" ]] && password="$(sed -n 's/^password: //p' "$TERRITORIO_ADMIN_FILE")"
    if [[ "$sysadmins" == *"name=$TERRITORIO_ADMIN_USER "* ]]; then
        if [[ -n "$password" ]]; then
            info "Administrador '$TERRITORIO_ADMIN_USER': existe."
        else
            warn "El administrador '$TERRITORIO_ADMIN_USER' existe pero $TERRITORIO_ADMIN_FILE no está; fije su contraseña con: $(venv_bin ckan) -c $TERRITORIO_CKAN_INI user setpass $TERRITORIO_ADMIN_USER"
        fi
        return 0
    fi
    step "Creando el administrador '$TERRITORIO_ADMIN_USER'..."
    [[ -n "$password" ]] || password="$("$(venv_bin python)" -c 'import secrets; print(secrets.token_urlsafe(18))')"
    run_logged "$TERRITORIO_LOG/sysadmin.log" ckan_cli "$TERRITORIO_CKAN_INI" \
        sysadmin add "$TERRITORIO_ADMIN_USER" --create \
        "email=$TERRITORIO_ADMIN_EMAIL" "password=$password" "fullname=Administración del portal" \
        || die "No se pudo crear el administrador; vea $TERRITORIO_LOG/sysadmin.log"
    (umask 077 && printf 'url: %s\nuser: %s\npassword: %s\n' \
        "$TERRITORIO_SITE_URL" "$TERRITORIO_ADMIN_USER" "$password" >"$TERRITORIO_ADMIN_FILE")
}

# Rebuilds the search index only when the database has datasets the index lacks.
ensure_search_index() {
    local in_db in_index body
    in_db="$(db_scalar ckan_default "SELECT count(*) FROM package WHERE state = 'active'")"
    ((in_db > 0)) || return 0
    body="$(curl -fsS --max-time 10 "$TERRITORIO_SITE_URL/api/3/action/package_search?rows=0&include_private=true" 2>/dev/null)" || body=""
    in_index="$(printf '%s' "$body" | "$(venv_bin python)" -c \
        'import json, sys
try: print(json.load(sys.stdin)["result"]["count"])
except Exception: print(-1)')"
    if ((in_index == 0)); then
        step "El índice de búsqueda está vacío: reconstruyéndolo ($in_db conjuntos)..."
        run_logged "$TERRITORIO_LOG/search-index.log" ckan_cli "$TERRITORIO_CKAN_INI" search-index rebuild \
            || die "ckan search-index rebuild falló; vea $TERRITORIO_LOG/search-index.log"
    fi
}

load_demo() {
    if [[ "${TERRITORIO_SKIP_DEMO:-0}" == 1 ]]; then
        info "TERRITORIO_SKIP_DEMO=1: no se cargan los datos de demostración."
        return 0
    fi
    step "Cargando los datos de demostración (ckan territorio demo load)..."
    ckan_cli "$TERRITORIO_CKAN_INI" territorio demo load 2>"$TERRITORIO_LOG/demo-load.log" \
        || {
            grep -vE '^[0-9-]+ [0-9:,]+ (DEBUG|INFO) ' "$TERRITORIO_LOG/demo-load.log" | tail -n 30 >&2
            die "La carga de demostración falló; vea $TERRITORIO_LOG/demo-load.log"
        }
}
