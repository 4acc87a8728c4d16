"""Error pages of the territorial blueprints (unknown dimension or region), in Spanish first."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint
from werkzeug.exceptions import NotFound


def _not_found(error: Any) -> tuple[str, int]:
    """ObjectNotFound from our views, or a 404 abort: the message says what is missing."""
    message = getattr(error, "message", None) or getattr(error, "description", None) or ""
    return tk.render("territorio/error.html", {"message": str(message)}), 404


def _not_authorized(error: Any) -> tuple[str, int]:
    """A search the user may not run (403), with the same ways back."""
    return tk.render(
        "territorio/error.html",
        {"message": tk._("No tiene permiso para ver esta página."), "status": 403},
    ), 403


def _bad_request(error: Any) -> tuple[str, int]:
    """A filter or format the page does not know (400): each parameter with its problem."""
    problems = [
        f"{field}: {message}"
        for field, messages in (getattr(error, "error_dict", None) or {}).items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]
    return tk.render(
        "territorio/error.html",
        {"message": tk._("La dirección pide algo que esta página no conoce."), "errors": problems,
         "status": 400},
    ), 400


def handle_errors(blueprint: Blueprint) -> Blueprint:
    """Unknown slugs and codes give a 404 page that leads back to the framework."""
    blueprint.register_error_handler(tk.ValidationError, _bad_request)
    blueprint.register_error_handler(tk.ObjectNotFound, _not_found)
    blueprint.register_error_handler(NotFound, _not_found)
    blueprint.register_error_handler(tk.NotAuthorized, _not_authorized)
    return blueprint
