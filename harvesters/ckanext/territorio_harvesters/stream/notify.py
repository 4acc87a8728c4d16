"""NGSI-LD notifications pushed by a context broker to an ``ngsi-ld`` harvest source.

``POST /api/territorio/ngsi-ld/notify/<source>`` (``notify_view``) with
``Authorization: Bearer <secret>`` (or ``X-Territorio-Secret``). The secret is created by
an editor of the source with the action ``territorio_ngsild_notify_secret`` and shown only in
its answer (its hash is kept). The body, at most ``MAX_BODY`` bytes, is an NGSI-LD
notification (``{"type": "Notification", "data": [...]}``), an entity or a list of them;
its readings are written to the observations tables of the source's datasets with the same
key (station, variable, observed_at), so a repeated notification changes nothing. Series
the datasets do not have yet (a new entity) are reported as ``ignored``: the next harvest of
the source adds them to its catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from ckanext.territorio import current
from ckanext.territorio.model import notify_secret
from ckanext.territorio.model import stream_dead_letter as dead_letters

from .. import store
from ..records import Reading
from . import messages
from .datasets import Publisher

SOURCE_TYPE = "ngsi-ld"
MAX_BODY = 1024 * 1024
PATH = "/api/territorio/ngsi-ld/notify/"


class NotifyError(Exception):
    """A notification refused: the HTTP status and the reason (Spanish)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Outcome:
    """What a notification wrote: readings inserted or already there, and what was ignored."""

    inserted: int = 0
    duplicates: int = 0
    ignored: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The answer's body."""
        return {"success": True, "inserted": self.inserted, "duplicates": self.duplicates,
                "ignored": self.ignored, "notes": self.notes[:20]}


def _harvester() -> Any:
    from ckanext.harvest.interfaces import IHarvester

    for plugin in p.PluginImplementations(IHarvester):
        if plugin.info().get("name") == SOURCE_TYPE:
            return plugin
    raise NotifyError(404, "el tipo de fuente ngsi-ld no está activo en este portal")


def source_of(name_or_id: str) -> Any:
    """The active ``ngsi-ld`` harvest source of a name or id; NotifyError 404 otherwise."""
    from ckanext.harvest.model import HarvestSource

    package = model.Package.get(name_or_id)
    source = HarvestSource.get(package.id) if package is not None else None
    if source is None or source.type != SOURCE_TYPE or not source.active or package.state != "active":
        raise NotifyError(404, "fuente NGSI-LD no encontrada")
    return source


def ingest(source_name: str, token: str | None, body: bytes) -> Outcome:
    """Check the secret, read the notification and write its readings; NotifyError otherwise."""
    source = source_of(source_name)
    if not notify_secret.matches(model.Session, source.id, token):
        raise NotifyError(401, "secreto de notificación ausente o incorrecto")
    if len(body) > MAX_BODY:
        raise NotifyError(413, f"la notificación supera {MAX_BODY // 1024} KiB")
    try:
        message = messages.parse("ngsi-ld", "notify", body, current.harvest_mapping())
    except messages.MessageError as exc:
        dead_letters.record(model.Session, source.id, 1, [dead_letters.Letter("notify", str(exc), body)])
        model.Session.commit()
        raise NotifyError(400, f"notificación ilegible: {exc}") from None
    catalog = Publisher(_harvester()).load(source.id)
    outcome = Outcome(notes=list(message.notes))
    by_table: dict[str, list[Reading]] = {}
    for reading in message.readings:
        resource_id = catalog.routes.get((reading.station_id, reading.variable))
        if resource_id is None:
            outcome.ignored += 1
            if len(outcome.notes) < 20:
                outcome.notes.append(
                    f"{reading.station_id} {reading.variable}: serie aún no cosechada; la próxima cosecha la agrega"
                )
            continue
        by_table.setdefault(resource_id, []).append(reading)
    for resource_id, readings in by_table.items():
        with store.ObservationTable(resource_id) as table:
            try:
                result = table.load(readings, overlap=False)
            except store.LoadError as exc:
                raise NotifyError(409, str(exc)) from None
        outcome.inserted += result.inserted
        outcome.duplicates += result.duplicates + result.revised
    dead_letters.record(model.Session, source.id, 1, [])
    model.Session.commit()
    return outcome


def territorio_ngsild_notify_secret_auth(context: Context, data_dict: DataDict) -> AuthResult:
    """Editors of the source (package_update on it) may create its notification secret."""
    try:
        tk.check_access("package_update", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": "Solo los editores de la fuente pueden crear su secreto de notificación"}
    return {"success": True}


def territorio_ngsild_notify_secret(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Create (or replace) the notification secret of an ``ngsi-ld`` harvest source.

    The secret is in this answer only: the portal keeps its hash. Configure the context
    broker's subscription to send it as ``Authorization: Bearer <secret>`` (NGSI-LD
    ``notification.endpoint.receiverInfo``) to ``url``.

    :param id: the name or id of the harvest source
    :type id: string
    :returns: ``{"secret", "url", "header"}``
    :rtype: dictionary
    """
    name = str(data_dict.get("id") or "")
    if not name:
        raise tk.ValidationError({"id": ["falta el nombre o id de la fuente"]})
    try:
        source = source_of(name)
    except NotifyError:
        raise tk.ObjectNotFound("fuente NGSI-LD no encontrada") from None
    tk.check_access("territorio_ngsild_notify_secret", context, {"id": source.id})
    token = notify_secret.renew(model.Session, source.id)
    model.Session.commit()
    package = model.Package.get(source.id)
    site = str(tk.config.get("ckan.site_url") or "").rstrip("/")
    return {
        "secret": token,
        "url": f"{site}{PATH}{package.name if package else source.id}",
        "header": f"Authorization: Bearer {token}",
    }
