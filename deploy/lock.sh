#!/usr/bin/env bash
# Rewrites deploy/constraints.txt from the dev virtualenv (.venv after `make test`),
# so the lock covers both requirements.txt and requirements-dev.txt.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[[ -x "$(venv_bin pip)" ]] || die "No existe $TERRITORIO_VENV: ejecute make test primero."
"$(venv_bin python)" -c 'import pytest, ruff' 2>/dev/null \
    || die "$TERRITORIO_VENV no tiene las dependencias de desarrollo: ejecute make test primero."
step "Regenerando deploy/constraints.txt..."
{
    echo "# Full lock of the virtualenv: requirements.txt + requirements-dev.txt."
    echo "# Regenerate with: make lock (after make test)."
    "$(venv_bin pip)" freeze --exclude-editable
} >"$TERRITORIO_DEPLOY/constraints.txt"
info "$(grep -cv '^#' "$TERRITORIO_DEPLOY/constraints.txt") paquetes fijados."
