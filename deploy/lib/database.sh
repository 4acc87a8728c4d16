# shellcheck shell=bash
# Database roles, passwords and databases for CKAN and the DataStore.

TERRITORIO_DB_OWNER="ckan_default"
TERRITORIO_DB_READONLY="datastore_ro"

# Passwords are made once per machine and kept outside any clone, so every clone
# (and CI's fresh one) connects with the same credentials.
ensure_secrets() {
    local key
    if [[ ! -f "$TERRITORIO_SECRETS" ]]; then
        step "Generando contraseñas de base de datos en $TERRITORIO_SECRETS..."
        install -d -m 700 "$TERRITORIO_SECRETS_DIR"
        (umask 077 && : >"$TERRITORIO_SECRETS")
    fi
    chmod 600 "$TERRITORIO_SECRETS"
    for key in CKAN_DB_PASSWORD DATASTORE_RO_PASSWORD; do
        if ! grep -q "^$key=" "$TERRITORIO_SECRETS"; then
            printf '%s=%s\n' "$key" "$("$TERRITORIO_PYTHON" -c 'import secrets; print(secrets.token_hex(24))')" \
                >>"$TERRITORIO_SECRETS"
        fi
    done
    # shellcheck disable=SC1090
    source "$TERRITORIO_SECRETS"
    [[ "$CKAN_DB_PASSWORD" =~ ^[0-9a-f]{16,}$ && "$DATASTORE_RO_PASSWORD" =~ ^[0-9a-f]{16,}$ ]] \
        || die "$TERRITORIO_SECRETS tiene contraseñas con un formato inesperado"
}

ensure_roles() {
    step "Comprobando los roles $TERRITORIO_DB_OWNER y $TERRITORIO_DB_READONLY..."
    # Fed on stdin so the passwords never appear in the process list.
    pg_super -d postgres <<SQL
SELECT 'CREATE ROLE $TERRITORIO_DB_OWNER' WHERE NOT EXISTS
    (SELECT 1 FROM pg_roles WHERE rolname = '$TERRITORIO_DB_OWNER') \gexec
SELECT 'CREATE ROLE $TERRITORIO_DB_READONLY' WHERE NOT EXISTS
    (SELECT 1 FROM pg_roles WHERE rolname = '$TERRITORIO_DB_READONLY') \gexec
ALTER ROLE $TERRITORIO_DB_OWNER WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$CKAN_DB_PASSWORD';
ALTER ROLE $TERRITORIO_DB_READONLY WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$DATASTORE_RO_PASSWORD';
SQL
}

_ensure_database() {
    local db="$1" locale=""
    if [[ "$(pg_super -Atc "SELECT count(*) FROM pg_database WHERE datname = '$db'")" == 1 ]]; then
        info "Base de datos $db: existe."
        return 0
    fi
    # A cluster created under the C locale defaults to SQL_ASCII; CKAN needs UTF-8.
    if [[ "$(pg_super -Atc "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'")" != UTF8 ]]; then
        locale="LOCALE 'C.UTF-8'"
    fi
    info "Creando la base de datos $db..."
    pg_super -d postgres -c "CREATE DATABASE $db OWNER $TERRITORIO_DB_OWNER ENCODING 'UTF8' $locale TEMPLATE template0"
}

# PostGIS lives in its own schema so that CKAN's test clean_db, which drops every
# table of `public`, never touches spatial_ref_sys.
_ensure_postgis() {
    local db="$1"
    pg_super -d "$db" <<SQL
CREATE SCHEMA IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS postgis SCHEMA postgis;
GRANT USAGE ON SCHEMA postgis TO $TERRITORIO_DB_OWNER;
ALTER DATABASE $db SET search_path = "\$user", public, postgis;
SQL
}

# ensure_databases CKAN_DB DATASTORE_DB
ensure_databases() {
    local ckan_db="$1" datastore_db="$2"
    step "Comprobando las bases de datos $ckan_db y $datastore_db..."
    _ensure_database "$ckan_db"
    _ensure_database "$datastore_db"
    _ensure_postgis "$ckan_db"
}

# Applies the DataStore permissions script that CKAN ships (ckan datastore
# set-permissions), rendered without loading the plugins so it works before the
# first start.
apply_datastore_permissions() {
    local ckan_db="$1" datastore_db="$2"
    step "Aplicando permisos de la DataStore en $datastore_db..."
    "$(venv_bin python)" - "$ckan_db" "$datastore_db" "$TERRITORIO_DB_OWNER" "$TERRITORIO_DB_READONLY" <<'PY' \
        | pg_super -d postgres >/dev/null
import sys
from ckanext.datastore.cli import permissions_sql
maindb, datastoredb, owner, readonly = sys.argv[1:]
print(permissions_sql(maindb=maindb, datastoredb=datastoredb,
                      mainuser=owner, writeuser=owner, readuser=readonly))
PY
}

# db_url DB [ROLE] -> SQLAlchemy URL over TCP with the role's password.
db_url() {
    local db="$1" role="${2:-$TERRITORIO_DB_OWNER}" password="$CKAN_DB_PASSWORD"
    [[ "$role" == "$TERRITORIO_DB_READONLY" ]] && password="$DATASTORE_RO_PASSWORD"
    printf 'postgresql://%s:%s@%s:%s/%s' "$role" "$password" "$TERRITORIO_PG_HOST" "$TERRITORIO_PG_PORT" "$db"
}

# Counts rows with the owner role over TCP, as CKAN itself connects.
db_scalar() {
    local db="$1" sql="$2"
    PGPASSWORD="$CKAN_DB_PASSWORD" psql -X -At -h "$TERRITORIO_PG_HOST" -p "$TERRITORIO_PG_PORT" \
        -U "$TERRITORIO_DB_OWNER" -d "$db" -c "$sql"
}
