"""Broken-link checks of resource URLs: a background job per dataset, the latest result per resource.

Resource servers are hostile: requests go through the shared client (``net``): the whole
check has one time limit enforced while bytes trickle in, only public addresses are dialled
unless the operator allow-lists them (option ``ckanext.territorio.harvest.allow_networks``,
checked on every connection, redirects included), redirects are followed hop by hop with
loop detection and a cap, and a body is never read beyond a few KB. HEAD first; GET only
when the server refuses HEAD.

Uploaded files are not fetched over HTTP: they are served by this portal from its own
storage, so the check looks for the file there (a missing file is what a download would
answer, ``http_error`` 404). Going through ``ckan.site_url`` would make the portal request
itself, usually through a loopback address the guard refuses, and would measure the portal's
own load rather than the resource. DataStore-only resources have no URL and are skipped.
"""
from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
from ckan import model
from sqlalchemy.dialects.postgresql import insert

from ..model.quality import LinkCheck
from ..net import client as net
from ..net import guard
from ..net.deadline import Deadline
from ..net.errors import (
    AddressRefused,
    InvalidURL,
    RedirectLoop,
    RemoteError,
    TimedOut,
    TooManyRedirects,
)
from ..site import site_context

log = logging.getLogger(__name__)

QUEUE = "territorio"
OUTCOMES = (
    "ok",
    "http_error",
    "timeout",
    "redirect_loop",
    "too_many_redirects",
    "private_address",
    "connection_error",
    "invalid_url",
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# statuses with which servers refuse HEAD although GET would work
HEAD_REFUSED = frozenset({405, 501, 403})
PEEK_BYTES = 4096
USER_AGENT = "ckanext-territorio-linkcheck/1 (+portal Territorio Inteligente)"
ALLOW_OPTION = "ckanext.territorio.harvest.allow_networks"
SKIPPED_URL_TYPES = frozenset({"datastore"})
STATUS_HINTS = {
    401: "requiere autenticación",
    403: "acceso prohibido",
    404: "no encontrado",
    410: "eliminado",
    429: "demasiadas solicitudes",
    500: "error del servidor",
    502: "puerta de enlace inválida",
    503: "servicio no disponible",
    504: "la puerta de enlace no respondió a tiempo",
}


@dataclass(frozen=True, slots=True)
class LinkResult:
    """One URL check; ``outcome`` is one of OUTCOMES, ``message`` Spanish (None when ok)."""

    url: str
    ok: bool
    outcome: str
    status_code: int | None = None
    final_url: str | None = None
    elapsed_ms: int | None = None
    message: str | None = None


def outcome_label(outcome: str) -> str:
    """An outcome for people, in the interface's language."""
    labels = {
        "ok": tk._("Enlace correcto"),
        "http_error": tk._("Error HTTP"),
        "timeout": tk._("Sin respuesta a tiempo"),
        "redirect_loop": tk._("Redirecciones en bucle"),
        "too_many_redirects": tk._("Demasiadas redirecciones"),
        "private_address": tk._("Dirección privada no autorizada"),
        "connection_error": tk._("Sin conexión"),
        "invalid_url": tk._("Dirección inválida"),
    }
    return labels.get(outcome, outcome)


def _shown(url: str) -> str:
    """The URL as stored and shown: without user and password, at most 500 characters."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        url = parts._replace(netloc=netloc).geturl()
    return url if len(url) <= 500 else url[:497] + "..."


def _status_message(status: int) -> str:
    hint = STATUS_HINTS.get(status)
    return f"el servidor respondió {status}" + (f" ({hint})" if hint else "")


def check_url(
    url: str,
    *,
    timeout: float,
    max_redirects: int,
    allow: Sequence[guard.Network] = (),
) -> LinkResult:
    """Check one URL: HEAD (GET when HEAD is refused), redirects followed hop by hop.

    ``timeout`` bounds the whole check in seconds (connection, every hop, the wait for each
    answer); a URL that takes longer is a ``timeout``, never ``ok``. ``max_redirects`` caps
    the redirects followed; ``allow`` lists the non-public networks that may be dialled.
    """
    started = time.monotonic()

    def result(outcome: str, status: int | None = None, final: str | None = None, message: str | None = None) -> LinkResult:
        return LinkResult(
            url=_shown(url),
            ok=outcome == "ok",
            outcome=outcome,
            status_code=status,
            final_url=_shown(final) if final else None,
            elapsed_ms=round((time.monotonic() - started) * 1000),
            message=message,
        )

    text = (url or "").strip()
    limits = net.Limits(
        connect_timeout=timeout,
        read_timeout=timeout,
        response_deadline=timeout,
        max_response_bytes=PEEK_BYTES,
        retries=0,
        max_redirects=max_redirects,
        allow=tuple(allow),
        allow_option=ALLOW_OPTION,
    )
    try:
        with net.Client(limits, user_agent=USER_AGENT) as client, Deadline(timeout) as limit:
            status, final = _probe(client, "HEAD", text, limit)
            if status in HEAD_REFUSED:
                status, final = _probe(client, "GET", final, limit)
    except InvalidURL as exc:
        return result("invalid_url", None, _moved(exc.url, text), exc.message)
    except AddressRefused as exc:
        return result("private_address", None, _moved(exc.url, text), exc.message)
    except RedirectLoop as exc:
        return result("redirect_loop", exc.status, exc.url, exc.message)
    except TooManyRedirects as exc:
        return result("too_many_redirects", exc.status, exc.url, exc.message)
    except TimedOut as exc:
        return result("timeout", None, _moved(exc.url, text), f"el servidor no respondió en {timeout:g} s")
    except RemoteError as exc:
        return result("connection_error", None, _moved(exc.url, text), exc.message)
    if status in REDIRECTS:
        return result("http_error", status, final, f"redirección {status} sin destino (Location)")
    if 200 <= status < 400:
        return result("ok", status, final)
    return result("http_error", status, final, _status_message(status))


def _moved(current: str | None, original: str) -> str | None:
    """The URL a failed check ended on, when redirects took it elsewhere."""
    return current if current and current != original else None


def _probe(client: net.Client, method: str, url: str, limit: Deadline) -> tuple[int, str]:
    """``method url`` after redirects: the status and the final URL (a GET reads a few KB only)."""
    with client.open(method, url, deadline=limit) as response:
        if method == "GET":
            response.peek(PEEK_BYTES)  # the server is answering; the rest of the body is not wanted
        return response.status, response.url


# --- a dataset's resources ----------------------------------------------------------------------


def _limits() -> tuple[float, int, tuple[guard.Network, ...], int]:
    from .. import config

    return (
        float(config.quality_link_timeout()),
        config.quality_link_max_redirects(),
        guard.parse_networks(config.harvest_allow_networks()),
        config.quality_link_concurrency(),
    )


def _upload_result(resource: dict[str, Any]) -> LinkResult | None:
    """An uploaded file: present in the portal's storage or not; None for non-local storage."""
    from ckan.lib import uploader

    started = time.monotonic()
    upload = uploader.get_resource_uploader(dict(resource))
    if not isinstance(upload, uploader.ResourceUpload) or not upload.storage_path:
        return None
    present = os.path.isfile(upload.get_path(str(resource["id"])))
    return LinkResult(
        url=_shown(str(resource.get("url") or "")),
        ok=present,
        outcome="ok" if present else "http_error",
        status_code=200 if present else 404,
        elapsed_ms=round((time.monotonic() - started) * 1000),
        message=None if present else "el archivo subido no está en el almacenamiento del portal",
    )


def check_resources(resources: Iterable[dict[str, Any]]) -> dict[str, LinkResult]:
    """Check each resource (uploads in storage, linked URLs over HTTP); by resource id."""
    timeout, max_redirects, allow, concurrency = _limits()
    results: dict[str, LinkResult] = {}
    remote: dict[str, str] = {}
    for resource in resources:
        if resource.get("state", "active") != "active" or resource.get("url_type") in SKIPPED_URL_TYPES:
            continue
        if resource.get("url_type") == "upload":
            found = _upload_result(resource)
            if found is not None:
                results[str(resource["id"])] = found
            continue
        remote[str(resource["id"])] = str(resource.get("url") or "")
    if remote:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(remote))) as pool:
            checked = pool.map(
                lambda url: check_url(url, timeout=timeout, max_redirects=max_redirects, allow=allow),
                remote.values(),
            )
            results.update(zip(remote, checked, strict=True))
    return results


def store(package_id: str, results: dict[str, LinkResult], now: dt.datetime | None = None) -> None:
    """Upsert the latest check of each resource and forget resources the dataset no longer has."""
    now = now or dt.datetime.now(dt.UTC)
    session = model.Session
    stale = session.query(LinkCheck).filter(LinkCheck.package_id == package_id)
    if results:
        stale = stale.filter(LinkCheck.resource_id.notin_(list(results)))
    stale.delete(synchronize_session=False)
    for resource_id, found in results.items():
        values = {
            "resource_id": resource_id,
            "package_id": package_id,
            "url": found.url,
            "ok": found.ok,
            "outcome": found.outcome,
            "status_code": found.status_code,
            "final_url": found.final_url,
            "elapsed_ms": found.elapsed_ms,
            "message": found.message,
            "checked_at": now,
        }
        statement = insert(LinkCheck.__table__).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["resource_id"],
                set_={k: statement.excluded[k] for k in values if k != "resource_id"},
            )
        )
    session.commit()


def check_package(package_id: str) -> dict[str, LinkResult]:
    """Check every resource of a dataset, store the results, then rescore the dataset.

    The background job (queue ``territorio``). A dataset that no longer exists, or was
    deleted, is left alone. Returns the results by resource id.
    """
    try:
        package = tk.get_action("package_show")(site_context(), {"id": package_id})
    except tk.ObjectNotFound:
        log.info("link check: dataset %s no longer exists", package_id)
        return {}
    if package.get("state") == "deleted":
        return {}
    results = check_resources(package.get("resources") or [])
    store(package["id"], results)
    _rescore(package["id"])
    return results


def _rescore(package_id: str) -> None:
    """The engine's rescore (quality/service.py) when it is installed."""
    try:
        service = importlib.import_module("ckanext.territorio.quality.service")
    except ImportError:
        return
    rescore = getattr(service, "rescore", None)
    if rescore is not None:
        rescore(package_id)


def enqueue_package(package_id: str) -> None:
    """Put the dataset's link check on the background queue ``territorio``."""
    timeout, max_redirects, _allow, _concurrency = _limits()
    tk.enqueue_job(
        check_package,
        [package_id],
        title=f"territorio: revisión de enlaces {package_id}",
        queue=QUEUE,
        # a generous bound: every resource may time out on each hop
        rq_kwargs={"timeout": int(300 + timeout * (max_redirects + 1) * 20)},
    )


def latest_for_packages(package_ids: Iterable[str]) -> dict[str, dict[str, LinkCheck]]:
    """The latest check of each resource, by dataset id and resource id."""
    ids = list(dict.fromkeys(package_ids))
    found: dict[str, dict[str, LinkCheck]] = {}
    if not ids:
        return found
    rows = model.Session.query(LinkCheck).filter(LinkCheck.package_id.in_(ids))
    for row in rows:
        found.setdefault(row.package_id, {})[row.resource_id] = row
    return found
