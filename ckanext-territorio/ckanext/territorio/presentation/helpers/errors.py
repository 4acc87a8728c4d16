"""The site's error pages (404, 403, 500 ...) in the page's language, for every blueprint."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.exceptions import default_exceptions

__all__ = ["territorio_error_page"]


def _titles() -> dict[int, str]:
    """The heading of each status the portal answers with."""
    return {
        400: tk._("Solicitud no válida"),
        401: tk._("Acceso denegado"),
        403: tk._("Acceso denegado"),
        404: tk._("Página no encontrada"),
        405: tk._("Método no permitido"),
        409: tk._("Solicitud no válida"),
        413: tk._("Archivo demasiado grande"),
        429: tk._("Demasiadas solicitudes"),
        500: tk._("Error del servidor"),
        503: tk._("Servicio no disponible"),
    }


def _default_messages() -> dict[int, str]:
    """What each status means, said to a person (werkzeug's English descriptions replaced)."""
    return {
        400: tk._("La dirección pide algo que esta página no conoce."),
        401: tk._("Debe iniciar sesión para ver esta página."),
        403: tk._("No tiene permiso para ver esta página."),
        404: tk._("La dirección no corresponde a ninguna página del portal."),
        405: tk._("Esta dirección no acepta ese tipo de solicitud."),
        413: tk._("El archivo enviado supera el tamaño permitido."),
        429: tk._("Se enviaron demasiadas solicitudes; espere un momento y vuelva a intentarlo."),
        500: tk._(
            "Ocurrió un error inesperado. El equipo del portal quedó avisado; "
            "vuelva a intentarlo más tarde."
        ),
        503: tk._("El portal no está disponible en este momento; vuelva a intentarlo más tarde."),
    }


def _status(code: Any) -> int:
    """CKAN passes the code as an int for HTTP errors and as ``[500]`` for crashes."""
    if isinstance(code, (list, tuple)):
        code = code[0] if code else 500
    try:
        return int(code)
    except (TypeError, ValueError):
        return 500


def territorio_error_page(code: Any, content: Any = None) -> dict[str, Any]:
    """Status, title and message of an error page; never the text of an exception.

    ``content`` is the ``abort()`` detail (already translated by whoever aborted, kept) or
    werkzeug's English default description (replaced by the portal's own sentence). A 500
    always gets the portal's sentence: what went wrong stays in the log.
    """
    status = _status(code)
    messages = _default_messages()
    message = str(content or "").strip()
    werkzeug_default = getattr(default_exceptions.get(status), "description", None)
    if status >= 500 or not message or message == werkzeug_default or message == "Internal server error":
        message = messages.get(status, "")
    title = _titles().get(status) or tk._("Error {code}").format(code=status)
    return {"status": status, "title": title, "message": message}
