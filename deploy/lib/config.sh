# shellcheck shell=bash
# Generated CKAN ini files under .run/: `ckan generate config` plus the overrides
# in deploy/config/*.ini.in applied with `ckan config-tool`.

TERRITORIO_CONFIG_CHANGED=0

# write_ini main|test
write_ini() {
    local kind="$1" ini overrides before new secret
    local SITE_URL CKAN_DB_URL DATASTORE_WRITE_URL DATASTORE_READ_URL REDIS_URL STORAGE_PATH
    if [[ "$kind" == test ]]; then
        ini="$TERRITORIO_TEST_INI"
        SITE_URL="http://test.ckan.net"
        CKAN_DB_URL="$(db_url "$TERRITORIO_TEST_DB")"
        DATASTORE_WRITE_URL="$(db_url "$TERRITORIO_TEST_DATASTORE_DB")"
        DATASTORE_READ_URL="$(db_url "$TERRITORIO_TEST_DATASTORE_DB" "$TERRITORIO_DB_READONLY")"
        REDIS_URL="redis://127.0.0.1:$TERRITORIO_REDIS_PORT/$TERRITORIO_TEST_REDIS_DB"
        STORAGE_PATH="$TERRITORIO_RUN/test-storage${TERRITORIO_TEST_WORKER:+-$TERRITORIO_TEST_WORKER}"
    else
        ini="$TERRITORIO_CKAN_INI"
        SITE_URL="$TERRITORIO_SITE_URL"
        CKAN_DB_URL="$(db_url ckan_default)"
        DATASTORE_WRITE_URL="$(db_url datastore_default)"
        DATASTORE_READ_URL="$(db_url datastore_default "$TERRITORIO_DB_READONLY")"
        REDIS_URL="redis://127.0.0.1:$TERRITORIO_REDIS_PORT/1"
        STORAGE_PATH="$TERRITORIO_RUN/storage"
    fi
    mkdir -p "$STORAGE_PATH"
    before="$(file_hash "$ini")"
    [[ -f "$ini" ]] || step "Generando $ini..."
    # The ini is rebuilt from scratch each run so that options dropped from the
    # templates disappear too; only the secret generated the first time is carried over.
    new="$(mktemp)" overrides="$(mktemp)"
    rm -f "$new"
    run_logged "$TERRITORIO_LOG/config.log" "$(venv_bin ckan)" generate config "$new" \
        || die "ckan generate config falló"
    render_template "$TERRITORIO_DEPLOY/config/ckan.ini.in" "$overrides"
    if [[ "$kind" == test ]]; then
        cat "$TERRITORIO_DEPLOY/config/test.ini.in" >>"$overrides"
    fi
    if [[ -f "$ini" ]] && secret="$(grep -m1 '^SECRET_KEY = ' "$ini")"; then
        printf '[app:main]\n%s\n' "$secret" >>"$overrides"
    fi
    run_logged "$TERRITORIO_LOG/config.log" "$(venv_bin ckan)" config-tool "$new" -f "$overrides" \
        || { rm -f "$new" "$overrides"; die "ckan config-tool no pudo escribir $ini"; }
    rm -f "$overrides"
    if cmp -s "$new" "$ini"; then
        rm -f "$new"
    else
        mv "$new" "$ini"
    fi
    chmod 600 "$ini"
    if [[ "$(file_hash "$ini")" != "$before" ]]; then
        info "Configuración actualizada: $ini"
        TERRITORIO_CONFIG_CHANGED=1
    else
        info "Configuración sin cambios: $ini"
    fi
}
