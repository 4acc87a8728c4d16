# shellcheck shell=bash
# The project's virtualenv (<repo>/.venv), re-used while its stamp matches.

_VENV_STAMP() { printf '%s/.territorio-stamp' "$TERRITORIO_VENV"; }

_inputs_hash() {
    # Everything that decides what gets installed, plus the interpreter.
    {
        "$TERRITORIO_PYTHON" -c 'import sys; print(sys.version)'
        cat "$TERRITORIO_REPO/requirements.txt" "$TERRITORIO_REPO/deploy/constraints.txt" \
            "$TERRITORIO_REPO/setup.py"
        [[ "$1" == dev ]] && cat "$TERRITORIO_REPO/requirements-dev.txt"
    } | sha256sum | cut -d' ' -f1
}

_stamp_matches() {
    local kind="$1"
    [[ -f "$(_VENV_STAMP)" ]] && grep -qx "$kind=$(_inputs_hash "$kind")" "$(_VENV_STAMP)"
}

_write_stamp() {
    local kind="$1" stamp
    stamp="$(_VENV_STAMP)"
    touch "$stamp"
    sed -i "/^$kind=/d" "$stamp"
    printf '%s=%s\n' "$kind" "$(_inputs_hash "$kind")" >>"$stamp"
}

# ensure_venv runtime|dev ; sets TERRITORIO_VENV_CHANGED=1 when it installed anything.
TERRITORIO_VENV_CHANGED=0
ensure_venv() {
    local kind="$1" reqs pip
    if [[ -x "$(venv_bin python)" ]] && ! "$(venv_bin python)" -c 'import sys' 2>/dev/null; then
        warn "El entorno virtual $TERRITORIO_VENV está roto; se vuelve a crear."
        rm -rf "$TERRITORIO_VENV"
    fi
    if _stamp_matches "$kind"; then
        info "Entorno virtual al día ($TERRITORIO_VENV)."
        return 0
    fi
    if [[ ! -x "$(venv_bin python)" ]]; then
        step "Creando el entorno virtual en $TERRITORIO_VENV..."
        "$TERRITORIO_PYTHON" -m venv "$TERRITORIO_VENV"
    fi
    reqs="$TERRITORIO_REPO/requirements.txt"
    [[ "$kind" == dev ]] && reqs="$TERRITORIO_REPO/requirements-dev.txt"
    pip="$(venv_bin pip)"
    step "Instalando dependencias de Python ($(basename "$reqs")); puede tardar unos minutos..."
    run_logged "$TERRITORIO_LOG/pip-install.log" \
        "$pip" install --quiet -r "$reqs" -c "$TERRITORIO_REPO/deploy/constraints.txt" \
        || die "pip no pudo instalar $(basename "$reqs"); vea $TERRITORIO_LOG/pip-install.log"
    step "Instalando ckanext-territorio en modo editable..."
    run_logged "$TERRITORIO_LOG/pip-install-editable.log" \
        "$pip" install --quiet --no-deps -e "$TERRITORIO_REPO" \
        || die "pip no pudo instalar el paquete del proyecto"
    _write_stamp "$kind"
    # A dev install includes the runtime one.
    [[ "$kind" == dev ]] && _write_stamp runtime
    TERRITORIO_VENV_CHANGED=1
}
