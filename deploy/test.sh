#!/usr/bin/env bash
# The whole test suite, from a fresh machine: system services, test databases,
# virtualenv with the dev tools, .run/test.ini, shellcheck, ruff and mypy, then pytest with
# CKAN's own pytest plugin. Extra arguments go to pytest (make test ARGS="-k demo").
# Without arguments (or with TERRITORIO_TEST_CORE=1) it then runs CKAN's own search
# tests against the territorio_search plugin alone (tests/ckan_core, about a minute).
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

main() {
    require_root
    ensure_run_dirs
    local started=$SECONDS
    ensure_base_packages
    ensure_test_packages
    step "Comprobando PostgreSQL, Redis y Mosquitto..."
    ensure_postgresql
    ensure_redis
    ensure_mosquitto
    ensure_secrets
    ensure_roles
    ensure_databases "$TERRITORIO_TEST_DB" "$TERRITORIO_TEST_DATASTORE_DB"
    ensure_venv dev
    write_ini test
    apply_datastore_permissions "$TERRITORIO_TEST_DB" "$TERRITORIO_TEST_DATASTORE_DB"
    prepare_test_db
    local workers parallel=()
    workers="$(test_workers "$#")"
    if ((workers > 1)); then
        prepare_worker_databases "$workers"
        parallel=(-n "$workers" --dist loadfile)
    fi

    run_linters

    step "pytest${parallel[*]:+ en $workers procesos}..."
    local rc=0 args=("$@")
    ((${#args[@]})) || args=(tests)
    (cd "$TERRITORIO_REPO" && "$(venv_bin python)" -m pytest --ckan-ini="$TERRITORIO_TEST_INI" \
        -p no:cacheprovider -ra --durations=40 "${parallel[@]}" "${args[@]}") || rc=$?
    pytest_verdict "$rc" $((SECONDS - started)) || return
    # The whole suite (no arguments) also runs CKAN's own search tests; so does
    # TERRITORIO_TEST_CORE=1 with arguments.
    if (($# == 0)) || [[ "${TERRITORIO_TEST_CORE:-0}" == 1 ]]; then
        run_core_suite
    fi
}

# CKAN's own search tests (tests/ckan_core/suite.txt, minus excluded.txt) against the
# territorio_search plugin alone, on the same test database: .run/test-core.ini is
# test.ini with `ckan.plugins = territorio_search` and CKAN's test settings.
run_core_suite() {
    local rc=0 started=$SECONDS core_ini ckan_dir line paths=()
    core_ini="$(dirname "$TERRITORIO_TEST_INI")/test-core.ini"
    cp "$TERRITORIO_REPO/tests/ckan_core/test-core.ini" "$core_ini"
    chmod 600 "$core_ini"
    ckan_dir="$("$(venv_bin python)" -c 'import ckan, os; print(os.path.dirname(ckan.__file__))')"
    while IFS= read -r line; do
        [[ -z "$line" || "$line" == \#* ]] || paths+=("$ckan_dir/$line")
    done <"$TERRITORIO_REPO/tests/ckan_core/suite.txt"
    step "pytest: pruebas de búsqueda de CKAN con territorio_search solo..."
    (cd "$TERRITORIO_REPO" && "$(venv_bin python)" -m pytest --ckan-ini="$core_ini" \
        -p tests.ckan_core.conftest -p no:cacheprovider -ra tests/ckan_core "${paths[@]}") || rc=$?
    pytest_verdict "$rc" $((SECONDS - started))
}

# Lint and type-check with the settings in pyproject.toml.
run_linters() {
    step "shellcheck..."
    (cd "$TERRITORIO_REPO" && shellcheck -x deploy/bootstrap.sh deploy/test.sh deploy/lock.sh deploy/vendor-js.sh .ci/run) \
        || die "shellcheck encontró problemas en los scripts de deploy/"
    step "ruff check..."
    (cd "$TERRITORIO_REPO" && "$(venv_bin ruff)" check .) \
        || die "ruff encontró problemas (pruebe: .venv/bin/ruff check --fix)"
    step "mypy..."
    (cd "$TERRITORIO_REPO" && "$(venv_bin python)" -m mypy ckanext-territorio/ckanext/territorio \
        harvesters/ckanext/territorio_harvesters) \
        || die "mypy encontró problemas"
}

# pytest_verdict EXIT_CODE SECONDS: exit 5 ("no tests collected") is success with a
# message; any other failure keeps its code.
pytest_verdict() {
    local rc="$1" elapsed="$2"
    case $rc in
        0) step "Pruebas superadas (${elapsed}s)." ;;
        5) step "pytest no recolectó ninguna prueba (código 5): se considera éxito, pero no hay pruebas que ejecutar (${elapsed}s)."
           return 0 ;;
        *) printf '%s==> Pruebas fallidas: pytest terminó con código %s (%ss)%s\n' "$_c_red" "$rc" "$elapsed" "$_c_off" >&2 ;;
    esac
    return "$rc"
}

# test_workers ARGC: how many pytest processes (pytest-xdist) run the suite. The whole
# suite (no arguments) takes one per core, at most 4; TERRITORIO_TEST_WORKERS=N decides
# otherwise (1: one process, as a run with arguments takes by default).
test_workers() {
    local argc="$1" cores
    if [[ -n "${TERRITORIO_TEST_WORKERS:-}" ]]; then  # set and not empty
        [[ "$TERRITORIO_TEST_WORKERS" =~ ^[1-9][0-9]*$ ]] \
            || die "TERRITORIO_TEST_WORKERS debe ser un entero positivo (se recibió '$TERRITORIO_TEST_WORKERS')"
        echo "$TERRITORIO_TEST_WORKERS"
    elif ((argc == 0)); then
        cores="$(nproc 2>/dev/null || echo 1)"
        echo $((cores > 4 ? 4 : cores))
    else
        echo 1
    fi
}

# prepare_worker_databases N: worker gw0 uses the test databases and .run/test.ini; each
# other worker gwK its own copies (ckan_test_gwK, datastore_test_gwK, made from the migrated
# test databases as templates), its own Redis db (TERRITORIO_TEST_REDIS_DB + 4K) and .run/test-gwK.ini, which
# tests/conftest.py hands to CKAN in that worker.
prepare_worker_databases() {
    local count="$1" k
    for ((k = 1; k < count; k++)); do
        prepare_worker_database "$k"
    done
}

# prepare_worker_database K: locals shadow the test settings for the functions it calls.
prepare_worker_database() {
    local k="$1"
    local source_db="$TERRITORIO_TEST_DB" source_datastore="$TERRITORIO_TEST_DATASTORE_DB"
    local TERRITORIO_TEST_WORKER="gw$k"
    local TERRITORIO_TEST_INI="$TERRITORIO_RUN/test-gw$k.ini"
    local TERRITORIO_TEST_REDIS_DB=$((TERRITORIO_TEST_REDIS_DB + k * ${TERRITORIO_TEST_REDIS_STRIDE:-4}))
    local TERRITORIO_TEST_DB="${source_db}_gw$k"
    local TERRITORIO_TEST_DATASTORE_DB="${source_datastore}_gw$k"
    ((TERRITORIO_TEST_REDIS_DB >= 2 && TERRITORIO_TEST_REDIS_DB <= 15)) \
        || die "El proceso gw$k usaría la base Redis $TERRITORIO_TEST_REDIS_DB (0 y 1 son del portal; hay 16): elija otro TERRITORIO_TEST_REDIS_DB o TERRITORIO_TEST_REDIS_STRIDE"
    step "Proceso de pruebas gw$k: bases $TERRITORIO_TEST_DB y $TERRITORIO_TEST_DATASTORE_DB, Redis $TERRITORIO_TEST_REDIS_DB..."
    # a fresh copy each run: nothing a crashed earlier run left behind
    pg_super -d postgres -c "DROP DATABASE IF EXISTS $TERRITORIO_TEST_DB WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS $TERRITORIO_TEST_DATASTORE_DB WITH (FORCE)" \
        -c "CREATE DATABASE $TERRITORIO_TEST_DB TEMPLATE $source_db OWNER $TERRITORIO_DB_OWNER" \
        -c "CREATE DATABASE $TERRITORIO_TEST_DATASTORE_DB TEMPLATE $source_datastore OWNER $TERRITORIO_DB_OWNER" \
        >/dev/null || die "No se pudieron copiar las bases de pruebas para el proceso gw$k"
    # a template copy leaves the database's own settings behind (PostGIS's search_path)
    _ensure_postgis "$TERRITORIO_TEST_DB" >/dev/null
    write_ini test
    apply_datastore_permissions "$TERRITORIO_TEST_DB" "$TERRITORIO_TEST_DATASTORE_DB"
}

# The test database is disposable: bring it to the migration head, and when
# leftovers from an older schema make that fail, wipe it and start over.
prepare_test_db() {
    step "Preparando la base de datos de pruebas $TERRITORIO_TEST_DB..."
    if ! run_logged "$TERRITORIO_LOG/test-db-upgrade.log" ckan_cli "$TERRITORIO_TEST_INI" db upgrade; then
        warn "Se vuelve a crear $TERRITORIO_TEST_DB y se migra desde cero."
        pg_super -d postgres -c "DROP DATABASE $TERRITORIO_TEST_DB WITH (FORCE)"
        ensure_databases "$TERRITORIO_TEST_DB" "$TERRITORIO_TEST_DATASTORE_DB"
        run_logged "$TERRITORIO_LOG/test-db-upgrade.log" ckan_cli "$TERRITORIO_TEST_INI" db upgrade \
            || die "ckan db upgrade falló en $TERRITORIO_TEST_DB; vea $TERRITORIO_LOG/test-db-upgrade.log"
    fi
}

# Sourcing the file (the deploy tests do) defines the functions without running.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
