"""/solicitudes/nueva: the form that files a data request (territorio_request_create).

A refused form comes back with what the person wrote and each problem beside its field; it
writes nothing (the action validates before it writes).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import request
from flask.views import MethodView
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import current

# the framework tags: lists (several choices each)
TAG_FIELDS = ("dimension", "subdimension", "region", "comuna")


def login_first(came_from: str) -> WerkzeugResponse:
    """To the login page, coming back here afterwards."""
    tk.h.flash_notice(tk._("Inicie sesión para continuar."))
    return tk.redirect_to(tk.url_for("user.login", came_from=came_from))


def first_errors(error: tk.ValidationError) -> dict[str, str]:
    """A ValidationError's messages, one line per field."""
    found: dict[str, str] = {}
    for field, messages in (error.error_dict or {}).items():
        if isinstance(messages, dict):
            messages = [m for each in messages.values() for m in (each if isinstance(each, list) else [each])]
        elif not isinstance(messages, list):
            messages = [messages]
        found[str(field)] = " ".join(str(m) for m in messages)
    return found


def _form_values() -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": request.form.get("title", ""),
        "description": request.form.get("description", ""),
        "organization": request.form.get("organization", "").strip(),
    }
    for field in TAG_FIELDS:
        values[field] = [v for v in request.form.getlist(field) if v.strip()]
    return values


def _render(values: dict[str, Any], errors: dict[str, str]) -> str:
    fw = current.framework()
    return tk.render("territorio/requests/new.html", {
        "values": values,
        "errors": errors,
        "dimensions": [d for d in fw.dimensions if not d.cross_cutting],
        "regions": fw.regions,
        "national": fw.national,
        "comunas_by_region": [(r, [c for c in fw.comunas if c.region == r.iso]) for r in fw.regions],
    })


class NewRequest(MethodView):
    """File a data request: the empty form, then the request or the form with its problems."""

    def get(self) -> Any:
        """The empty form (an organization may come chosen: ``?organizacion=<name>``)."""
        if not tk.current_user.is_authenticated:
            return login_first(tk.url_for("territorio_requests.new"))
        values = {"title": "", "description": "", "organization": request.args.get("organizacion", ""),
                  **{field: [] for field in TAG_FIELDS}}
        return _render(values, {})

    def post(self) -> Any:
        """The request filed (to its page), or the form again with each problem beside its field."""
        if not tk.current_user.is_authenticated:
            return login_first(tk.url_for("territorio_requests.new"))
        values = _form_values()
        data = {k: v for k, v in values.items() if k != "organization" or v}
        try:
            filed = tk.get_action("territorio_request_create")({}, data)
        except tk.ValidationError as error:
            return _render(values, first_errors(error))
        if filed.get("note"):
            tk.h.flash_notice(filed["note"])
        else:
            tk.h.flash_success(tk._("Su solicitud fue publicada. Gracias por ayudar a abrir los datos de su territorio."))
        return tk.redirect_to(tk.url_for("territorio_requests.read", id=filed["id"]))
