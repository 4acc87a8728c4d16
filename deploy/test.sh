#!/usr/bin/env bash
# The whole test suite, from a fresh machine: system services, test databases,
# virtualenv with the dev tools, .run/test.ini, shellcheck, ruff and mypy, then pytest with
# CKAN's own pytest plugin. Extra arguments go to pytest (make test ARGS="-k demo").
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
    step "Comprobando PostgreSQL y Redis..."
    ensure_postgresql
    ensure_redis
    ensure_secrets
    ensure_roles
    ensure_databases "$TERRITORIO_TEST_DB" "$TERRITORIO_TEST_DATASTORE_DB"
    ensure_venv dev
    write_ini test
    apply_datastore_permissions "$TERRITORIO_TEST_DB" "$TERRITORIO_TEST_DATASTORE_DB"
    prepare_test_db

    run_linters

    step "pytest..."
    local rc=0 args=("$@")
    ((${#args[@]})) || args=(tests)
    (cd "$TERRITORIO_REPO" && "$(venv_bin python)" -m pytest --ckan-ini="$TERRITORIO_TEST_INI" \
        -p no:cacheprovider -ra "${args[@]}") || rc=$?
    pytest_verdict "$rc" $((SECONDS - started))
}

# Lint and type-check with the settings in pyproject.toml.
run_linters() {
    step "shellcheck..."
    (cd "$TERRITORIO_REPO" && shellcheck -x deploy/bootstrap.sh deploy/test.sh deploy/lock.sh .ci/run) \
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
