"""Who may show our pages inside a frame.

CKAN 2.12 sends neither X-Frame-Options nor a Content-Security-Policy. Staff pages say
"this site only" so that no other site can frame them (clickjacking); the embeds say
"any site", which is what they are for, and drop an X-Frame-Options set upstream.
"""
from __future__ import annotations

from flask import Response


def same_origin_only(response: Response) -> Response:
    """The response, framable only by this site."""
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


def any_site(response: Response) -> Response:
    """The response, framable by any site (embeds)."""
    response.headers.pop("X-Frame-Options", None)
    response.headers["Content-Security-Policy"] = "frame-ancestors *"
    return response
