"""``POST /api/territorio/ngsi-ld/notify/<source>``: the HTTP side of NGSI-LD notifications."""
from __future__ import annotations

import logging

from ckan import model
from flask import Blueprint, Response, jsonify, request

from .notify import MAX_BODY, NotifyError, ingest

log = logging.getLogger(__name__)

blueprint = Blueprint("territorio_ngsild_notify", __name__)


def _exempt_from_csrf() -> None:
    """A context broker posts with its secret, not from a form of the portal: no CSRF token."""
    from ckan.config.middleware.flask_app import csrf

    csrf.exempt(blueprint)


_exempt_from_csrf()


def _token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("X-Territorio-Secret") or None


def _error(status: int, message: str) -> Response:
    response = jsonify({"success": False, "error": {"message": message}})
    response.status_code = status
    return response


@blueprint.route("/api/territorio/ngsi-ld/notify/<source>", methods=["POST"])
def notify(source: str) -> Response:
    """Read one NGSI-LD notification for the source and write its readings."""
    if (request.content_length or 0) > MAX_BODY:
        return _error(413, f"la notificación supera {MAX_BODY // 1024} KiB")
    body = request.stream.read(MAX_BODY + 1)
    try:
        outcome = ingest(source, _token(), body)
    except NotifyError as exc:
        model.Session.rollback()
        return _error(exc.status, str(exc))
    except Exception:
        log.exception("notificación NGSI-LD para %s", source)
        model.Session.rollback()
        return _error(500, "error interno al escribir la notificación")
    return jsonify(outcome.as_dict())
