"""The citizen channel's API: data requests (create, show, list, vote, comment, update, close).

Thin: the rules live in citizen/ (statuses, texts, limits, store); reports and the inbox are in
citizen_reports.py. Every write checks auth first, then the rate limit and the personal-data hold,
and commits once: a refused call writes nothing.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import Context, DataDict

from ... import auditors
from ... import config as territorio_config
from ...citizen import dictize, limits, notify, people, status, store
from ...citizen import text as citizen_text
from ...model.citizen import CitizenRequest, RequestComment
from .. import auth, schema

__all__ = [
    "territorio_request_close",
    "territorio_request_comment",
    "territorio_request_create",
    "territorio_request_list",
    "territorio_request_show",
    "territorio_request_update",
    "territorio_request_vote",
]



def held_note() -> str:
    """What the author of a held text reads."""
    return tk._("Su texto quedó en revisión: parece contener datos personales (RUT o correo electrónico)")


# --- shared with citizen_reports ---


def caller(context: Context) -> model.User:
    """The logged-in user of the context (auth has refused anonymous callers before)."""
    user = auditors.context_user(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Debe iniciar sesión"))
    return user


def is_sysadmin(user: model.User | None) -> bool:
    """Whether the user is a sysadmin."""
    return user is not None and authz.is_sysadmin(user.name)


def remote_address_hash() -> str | None:
    """The keyed hash of the current request's remote address (None outside a web request)."""
    try:
        address = tk.request.remote_addr
    except (RuntimeError, AttributeError, TypeError):
        return None
    return limits.address_hash(address, str(tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret") or ""))


def check_rate(user: model.User, address: str | None) -> None:
    """A ValidationError {"rate": [...]} when the user or the address wrote too much lately."""
    if is_sysadmin(user):
        return
    refused = limits.refusal(
        user.id, address,
        per_user=territorio_config.citizen_per_user_per_hour(),
        per_address=territorio_config.citizen_per_address_per_hour(),
        translate=tk._,
    )
    if refused:
        raise tk.ValidationError({"rate": [refused]})


def commit(context: Context) -> None:
    """Commit unless the caller defers it."""
    if not context.get("defer_commit"):
        model.Session.commit()


def _visible_request(context: Context, request_id: str) -> CitizenRequest:
    """The request, when the caller may see it (a held one: reviewers and author), else NotFound."""
    request = store.get_request(request_id)
    if request is None or (request.held and not auth.may_see_held(context, request.creator_user_id)):
        raise tk.ObjectNotFound(tk._("Solicitud no encontrada"))
    return request


def _shown(context: Context, request: CitizenRequest) -> dict[str, Any]:
    user = auditors.context_user(context)
    return dictize.request_dict(
        request,
        viewer_id=user.id if user is not None else None,
        see_held=user is not None and auditors.is_auditor_or_sysadmin(context),
    )


def _check_datasets(context: Context, package_ids: list[str]) -> None:
    """Only datasets the caller may see are linked."""
    for package_id in package_ids:
        try:
            tk.check_access("package_show", dict(context), {"id": package_id})
        except tk.NotAuthorized:
            raise tk.ValidationError({"datasets": [tk._("Conjunto de datos desconocido: '{value}'").format(
                value=package_id)]}) from None


def _notify_publishers(org_id: str | None, subject: str, body: str) -> None:
    notify.send(people.publishers_of(org_id), subject, body)


def _site() -> str:
    return str(tk.config.get("ckan.site_url") or "").rstrip("/")


# --- actions ---


@tk.validate(schema.territorio_request_create)
def territorio_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """File a data request (login required).

    :param title: what is asked for, 10 to 200 characters
    :param description: the details (markdown, up to 5000 characters)
    :param dimension, subdimension, region, comuna: lists of the framework's slugs and codes
        (optional)
    :param organization: id or name of the organization it is addressed to (optional)
    :returns: the request, as ``territorio_request_show``; ``held`` true when the text seems to
        hold personal data (then only its author, sysadmins and auditors see it)
    """
    tk.check_access("territorio_request_create", context, data_dict)
    user = caller(context)
    address = remote_address_hash()
    check_rate(user, address)
    when = store.now()
    request = CitizenRequest(
        title=data_dict["title"],
        description=data_dict["description"],
        status=status.OPEN,
        dimension=list(data_dict.get("dimension") or []),
        subdimension=list(data_dict.get("subdimension") or []),
        region=list(data_dict.get("region") or []),
        comuna=list(data_dict.get("comuna") or []),
        organization_id=data_dict.get("organization"),
        creator_user_id=user.id,
        created=when,
        modified=when,
        held=citizen_text.any_personal_data(data_dict["title"], data_dict["description"]),
        address_hash=address,
    )
    model.Session.add(request)
    model.Session.flush()
    commit(context)
    if request.held:
        notify.send(people.sysadmins(), tk._("Solicitud de datos retenida para revisión"),
                    tk._("Una solicitud quedó retenida por posibles datos personales: {id}").format(id=request.id))
    elif request.organization_id:
        _notify_publishers(
            request.organization_id,
            tk._("Nueva solicitud de datos: {title}").format(title=request.title),
            tk._("Su organización recibió una solicitud de datos en {site}: «{title}».").format(
                site=_site(), title=request.title),
        )
    result = _shown(context, request)
    if request.held:
        result["note"] = held_note()
    return result


@tk.side_effect_free
@tk.validate(schema.territorio_request_show)
def territorio_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One data request with its votes, linked datasets and comments (public).

    :param id: the request's id
    :returns: id, title, description, status, status_reason, dimension, subdimension, region,
        comuna, organization (name or None), organization_title, creator, created, modified,
        closed, answered (when its status first left ``abierta``), votes, voted (the caller's), datasets ([{name, title}]), comments
        ([{id, author, text, created, held}]), held. A held request answers "not found" but to
        its author, sysadmins and auditors; held comments are left out likewise.
    """
    tk.check_access("territorio_request_show", context, data_dict)
    return _shown(context, _visible_request(context, data_dict["id"]))


@tk.side_effect_free
@tk.validate(schema.territorio_request_list)
def territorio_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Data requests, filtered and ordered (public).

    :param q: words searched in title and description
    :param status: abierta, en-curso, publicada or rechazada
    :param organization: id or name of the addressed organization
    :param dimension: a dimension's slug
    :param region: a region (ISO, CUT number or roman numeral)
    :param sort: ``votes``, ``created`` (default) or ``modified``, newest / most supported first
    :param limit: up to 100 (default 20)
    :param offset: requests skipped (default 0)
    :returns: {count, results}: the requests as ``territorio_request_show`` without comments
    """
    tk.check_access("territorio_request_list", context, data_dict)
    user = auditors.context_user(context)
    viewer_id = user.id if user is not None else None
    see_held = user is not None and auditors.is_auditor_or_sysadmin(context)
    wanted = store.RequestFilter(
        q=data_dict.get("q"), status=data_dict.get("status"),
        organization_id=data_dict.get("organization"), dimension=data_dict.get("dimension"),
        region=data_dict.get("region"), sort=data_dict["sort"],
        limit=data_dict["limit"], offset=data_dict["offset"],
    )
    count, rows = store.list_requests(wanted, see_held=see_held, viewer_id=viewer_id)
    page_ids = [r.id for r, _votes in rows]
    voted, linked = store.voted_among(page_ids, viewer_id), store.datasets_of(page_ids)
    return {
        "count": count,
        "results": [
            dictize.request_dict(r, viewer_id=viewer_id, votes=v, voted=r.id in voted,
                                 linked=linked[r.id], with_comments=False)
            for r, v in rows
        ],
    }


@tk.validate(schema.territorio_request_vote)
def territorio_request_vote(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Support a request, or withdraw the support (login required; one vote per user, its
    author included; voting again changes nothing). Closed requests take no new votes.

    :param id: the request's id
    :param vote: true (default) to support, false to withdraw
    :returns: {votes, voted}
    """
    tk.check_access("territorio_request_vote", context, data_dict)
    user = caller(context)
    request = _visible_request(context, data_dict["id"])
    if data_dict["vote"] and request.status in status.CLOSED and not store.has_voted(request.id, user.id):
        raise tk.ValidationError({"vote": [tk._("La solicitud está cerrada: ya no recibe apoyos")]})
    store.set_vote(request.id, user.id, bool(data_dict["vote"]))
    commit(context)
    return {"votes": store.votes(request.id), "voted": store.has_voted(request.id, user.id)}


@tk.validate(schema.territorio_request_comment)
def territorio_request_comment(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Comment on a request (login required).

    :param id: the request's id
    :param text: the comment (markdown, up to 2000 characters)
    :returns: the comment: {id, author, text, created, held}; a held comment (personal data
        found) is seen only by its author, sysadmins and auditors
    """
    tk.check_access("territorio_request_comment", context, data_dict)
    user = caller(context)
    request = _visible_request(context, data_dict["id"])
    address = remote_address_hash()
    check_rate(user, address)
    comment = RequestComment(
        request_id=request.id, user_id=user.id, text=data_dict["text"], created=store.now(),
        held=citizen_text.has_personal_data(data_dict["text"]), address_hash=address,
    )
    model.Session.add(comment)
    model.Session.flush()
    commit(context)
    if not comment.held and not request.held:
        _notify_publishers(
            request.organization_id,
            tk._("Nuevo comentario en la solicitud: {title}").format(title=request.title),
            tk._("Hay un comentario nuevo en una solicitud dirigida a su organización en {site}: «{title}».").format(
                site=_site(), title=request.title),
        )
    result = dictize.comment_dict(comment)
    if comment.held:
        result["note"] = held_note()
    return result


@tk.validate(schema.territorio_request_update)
def territorio_request_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change a request. The author, while it is ``abierta``: title, description, the framework
    tags and the organization. Whoever answers it (editors and admins of the addressed
    organization, sysadmins): status (``abierta`` or ``en-curso``; closing is
    ``territorio_request_close``; a closed request is reopened by a sysadmin only) and datasets.
    An editor may claim an unaddressed request for their organization (``organization``).

    :param id: the request's id
    :param title, description, dimension, subdimension, region, comuna, organization: as in create
    :param status: ``abierta`` or ``en-curso``
    :param datasets: ids or names of the datasets that answer it (replaces the list)
    :returns: the request, as ``territorio_request_show``
    """
    tk.check_access("territorio_request_update", context, data_dict)
    request = _visible_request(context, data_dict["id"])
    user = caller(context)
    new_status = data_dict.get("status")
    if new_status is not None:
        if new_status not in status.ACTIVE:
            raise tk.ValidationError({"status": [tk._("Para cerrar una solicitud use territorio_request_close")]})
        refused = status.refusal(request.status, new_status, sysadmin=is_sysadmin(user), translate=tk._)
        if refused:
            raise tk.ValidationError({"status": [refused]})
    if "datasets" in data_dict:
        _check_datasets(context, data_dict["datasets"])
    for key in ("title", "description", "dimension", "subdimension", "region", "comuna"):
        if key in data_dict:
            setattr(request, key, data_dict[key])
    if "organization" in data_dict:
        request.organization_id = data_dict["organization"]
    if "title" in data_dict or "description" in data_dict:
        request.held = citizen_text.any_personal_data(request.title, request.description)
    when = store.now()
    if new_status is not None and new_status != request.status:
        request.status, request.closed, request.status_reason = new_status, None, None
        store.mark_answered(request, when)
    if "datasets" in data_dict:
        store.set_datasets(request.id, data_dict["datasets"])
    request.modified = when
    model.Session.flush()
    commit(context)
    return _shown(context, request)


@tk.validate(schema.territorio_request_close)
def territorio_request_close(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Close a request as ``publicada`` (with the datasets that answer it) or ``rechazada``
    (with a reason); editors and admins of the addressed organization, or sysadmins.

    :param id: the request's id
    :param status: ``publicada`` or ``rechazada``
    :param reason: why (required when ``rechazada``)
    :param datasets: ids or names of the datasets (``publicada``: at least one, given here or
        linked before)
    :returns: the request, as ``territorio_request_show``
    """
    tk.check_access("territorio_request_close", context, data_dict)
    request = _visible_request(context, data_dict["id"])
    new_status = data_dict["status"]
    refused = status.refusal(request.status, new_status, sysadmin=False, translate=tk._)
    if refused:
        raise tk.ValidationError({"status": [refused]})
    errors: dict[str, list[str]] = {}
    if new_status == status.REJECTED and not data_dict.get("reason"):
        errors["reason"] = [tk._("Indique el motivo del rechazo")]
    datasets = data_dict.get("datasets")
    if new_status == status.PUBLISHED and not (datasets or store.datasets(request.id)):
        errors["datasets"] = [tk._("Indique al menos un conjunto de datos que responde la solicitud")]
    if errors:
        raise tk.ValidationError(errors)
    if datasets:
        _check_datasets(context, datasets)
        store.set_datasets(request.id, datasets)
    when = store.now()
    request.status, request.status_reason = new_status, data_dict.get("reason")
    request.closed = request.modified = when
    store.mark_answered(request, when)
    model.Session.flush()
    commit(context)
    return _shown(context, request)
