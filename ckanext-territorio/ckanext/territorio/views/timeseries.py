"""/api/territorio/readings.csv and /api/territorio/stream/<dataset>: CSV pages and live readings.

Errors answer as the action API does (JSON ``{"success": false, "error": {...}}``): 409 with
field errors, 403, 404, and 429 when a client holds too many live streams.
"""
from __future__ import annotations

from collections.abc import Generator
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, jsonify, request

from .. import config
from ..timeseries import live, readings

timeseries = Blueprint("territorio_timeseries", __name__)
LIST_PARAMS = ("station", "variable")


def _error(status: int, error: dict[str, Any]) -> Response:
    response = jsonify({"success": False, "error": error})
    response.status_code = status
    return response


def _validation(error: Any) -> Response:
    return _error(409, {"__type": "Validation Error", **(getattr(error, "error_dict", None) or {})})


def _not_found(error: Any) -> Response:
    return _error(404, {"__type": "Not Found Error", "message": tk._("No encontrado")})


def _not_authorized(error: Any) -> Response:
    return _error(403, {"__type": "Authorization Error", "message": tk._("No tiene permiso para ver estos datos")})


timeseries.register_error_handler(tk.ValidationError, _validation)
timeseries.register_error_handler(tk.ObjectNotFound, _not_found)
timeseries.register_error_handler(tk.NotAuthorized, _not_authorized)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _arguments() -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        data[key] = values if key in LIST_PARAMS else values[-1]
    return data


@timeseries.route("/api/territorio/readings.csv")
def readings_csv() -> Response:
    """One page of ``territorio_readings`` as CSV; the next page's address in ``Link``."""
    data = _arguments()
    data["format"] = "csv"
    result = tk.get_action("territorio_readings")(_context(), data)
    response = Response(result["csv"], mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="mediciones.csv"'
    if result["next"]:
        following = {k: v for k, v in data.items() if k not in ("format", "cursor")}
        following["cursor"] = result["next"]
        url = tk.url_for("territorio_timeseries.readings_csv", _external=True) + "?" + urlencode(following, doseq=True)
        response.headers["Link"] = f'<{url}>; rel="next"'
        response.headers["X-Next-Cursor"] = result["next"]
    return response


def _last_event_id() -> int | None:
    value = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise tk.ValidationError({"last_event_id": [tk._("Debe ser un número entero")]}) from None
    if number < 0:
        raise tk.ValidationError({"last_event_id": [tk._("Debe ser un número entero")]})
    return number


@timeseries.route("/api/territorio/stream/<id>")
def stream(id: str) -> Response:
    """New readings of a sensor dataset as Server-Sent Events (see timeseries/live.py)."""
    context = _context()
    tk.check_access("territorio_stream", context, {"id": id})
    package = tk.get_action("package_show")(dict(context), {"id": id})
    resource_id = readings.observations_resource(package)
    if resource_id is None:
        raise tk.ValidationError({"id": [tk._("El conjunto de datos no tiene un recurso de mediciones")]})
    last_event_id = _last_event_id()
    from ckan.lib.redis import connect_to_redis

    max_seconds = config.stream_max_seconds()
    slot = live.acquire(
        connect_to_redis(), request.remote_addr or "desconocido",
        config.stream_per_client(), config.stream_max_total(), max_seconds + 60,
    )
    if slot is None:
        response = _error(429, {
            "__type": "Too Many Requests",
            "message": tk._("Demasiadas conexiones en vivo abiertas; cierre alguna o intente más tarde"),
        })
        response.headers["Retry-After"] = "30"
        return response

    def body() -> Generator[str, None, None]:
        try:
            yield from live.events(
                resource_id, last_event_id=last_event_id,
                heartbeat=config.stream_heartbeat_seconds(), max_seconds=max_seconds,
            )
        finally:
            slot.release()

    generator = body()
    response = Response(generator, mimetype="text/event-stream")
    response.call_on_close(generator.close)  # a generator never started still gives its slot back
    response.call_on_close(slot.release)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response
