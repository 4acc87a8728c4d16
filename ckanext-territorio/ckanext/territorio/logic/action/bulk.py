"""CKAN's bulk actions of an organization's datasets (its bulk page), chained so that the
publication gate holds for them too.

CKAN 2.12's ``bulk_update_public`` patches the selected datasets one by one: our validator
holds one whose tabular files are unchecked and refuses (409) one that its files or metadata
block, and that refusal stopped core's loop half way: part of the selection published, the rest
untouched, and the bulk page (which catches only NotAuthorized) answered 500. Here each dataset
goes through core's action on its own, so the editor's selection is applied as far as the
policy allows: what may be public is published, what still waits for its checks is held (the
worker publishes it if they pass), what is blocked stays private; the answer names them and
the bulk page says so in a notice. ``bulk_update_private`` / ``bulk_update_delete`` lift the
holds first: the worker must not publish a dataset its editor has just unpublished or deleted.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import flask
from ckan import model
from ckan.types import Action, Context, DataDict

from ...policy import store as policy_store

__all__ = ["bulk_update_delete", "bulk_update_private", "bulk_update_public"]

HELD = "retenido"
BLOCKED = "bloqueado"


def _selected(data_dict: DataDict) -> list[model.Package]:
    """The selected datasets of the organization, as core's action picks them (ids, same org)."""
    ids = [str(i) for i in data_dict.get("datasets") or []]
    if not ids:
        return []
    return (
        model.Session.query(model.Package)
        .filter(model.Package.id.in_(ids), model.Package.owner_org == data_dict.get("org_id"))
        .order_by(model.Package.name)
        .all()
    )


def _entry(package: model.Package, reason: str) -> dict[str, str]:
    return {"id": package.id, "name": package.name, "title": package.title or package.name, "motivo": reason}


def _reasons(error: tk.ValidationError) -> str:
    """The refusal's messages, one text (the rule names stay: the editor looks them up)."""
    texts = []
    for messages in (error.error_dict or {}).values():
        items = messages if isinstance(messages, list) else [messages]
        texts += [str(m) for m in items if isinstance(m, str)]
    return "; ".join(texts) or str(error)


def message(result: dict[str, Any]) -> str:
    """What the bulk page tells the editor: how many published, which held and which blocked."""
    parts = [tk._("Publicados: {count}.").format(count=len(result["publicados"]))]
    if result["retenidos"]:
        parts.append(
            tk._(
                "Quedan privados mientras terminan sus validaciones (se publicarán automáticamente "
                "si sus archivos cumplen la política de datos): {datasets}."
            ).format(datasets=", ".join(f"«{d['title']}»" for d in result["retenidos"]))
        )
    if result["bloqueados"]:
        parts.append(
            tk._("No se pueden publicar: {datasets}.").format(
                datasets="; ".join(f"«{d['title']}» ({d['motivo']})" for d in result["bloqueados"])
            )
        )
    return " ".join(parts)


def _tell_the_bulk_page(result: dict[str, Any]) -> None:
    """A notice on CKAN's bulk page (its view ignores the action's answer); not for the API."""
    if not flask.has_request_context():
        return
    if str(flask.request.endpoint or "").endswith(".bulk_process"):
        if result["bloqueados"] or result["retenidos"]:
            tk.h.flash_notice(message(result))
        else:
            tk.h.flash_success(message(result))


@tk.chained_action
def bulk_update_public(up_func: Action, context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Make a list of an organization's datasets public, as far as the data-use policy allows.

    Each dataset is published on its own (core's action, one at a time): one whose tabular
    files still wait for their checks stays private and held, and is published automatically
    if they pass; one that a finding or a metadata rule blocks stays private. Datasets already
    public are left as they are.

    :param datasets: ids of the datasets to publish
    :type datasets: list of strings
    :param org_id: id of the owning organization
    :type org_id: string

    :returns: ``publicados`` (ids of the selected datasets public now), ``retenidos`` and
        ``bloqueados`` (each ``id``, ``name``, ``title`` and ``motivo``, in Spanish) and
        ``mensaje``, the summary the bulk page shows
    :rtype: dictionary
    """
    tk.check_access("bulk_update_public", context, data_dict)
    published: list[str] = []
    held: list[dict[str, str]] = []
    blocked: list[dict[str, str]] = []
    for package in _selected(data_dict):
        package_id = package.id
        if not package.private:
            published.append(package_id)
            continue
        try:
            up_func(context, {"datasets": [package_id], "org_id": data_dict.get("org_id")})
        except tk.ValidationError as error:
            model.Session.rollback()
            blocked.append(_entry(model.Package.get(package_id), _reasons(error)))
            continue
        after = model.Package.get(package_id)
        if after.private:
            held.append(_entry(after, tk._("sus validaciones están en curso")))
        else:
            published.append(package_id)
    result: dict[str, Any] = {"publicados": published, "retenidos": held, "bloqueados": blocked}
    result["mensaje"] = message(result)
    _tell_the_bulk_page(result)
    return result


def _release_holds(data_dict: DataDict) -> None:
    """Lift the selected datasets' holds, committed before core's action saves them (so a
    checks job running meanwhile cannot publish them)."""
    for package in _selected(data_dict):
        policy_store.release(package.id)
    model.Session.commit()


@tk.chained_action
def bulk_update_private(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Make a list of an organization's datasets private (core's action); their publication
    holds are lifted first, so none is published automatically when its checks pass.

    :param datasets: ids of the datasets to make private
    :type datasets: list of strings
    :param org_id: id of the owning organization
    :type org_id: string
    """
    tk.check_access("bulk_update_private", context, data_dict)
    _release_holds(data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def bulk_update_delete(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Delete a list of an organization's datasets (core's action); their publication holds
    are lifted first, so none is made public later (a restored dataset is published by hand).

    :param datasets: ids of the datasets to delete
    :type datasets: list of strings
    :param org_id: id of the owning organization
    :type org_id: string
    """
    tk.check_access("bulk_update_delete", context, data_dict)
    _release_holds(data_dict)
    return up_func(context, data_dict)
