"""/solicitudes: citizens' data requests, thin pages over the territorio_request_* actions.

- /solicitudes: the public list, filtered (status, dimension, region, organization, words),
  ordered (newest, most supported, last changed) and paged, with a count per status;
- /solicitudes/nueva: the form to file one (login required; request_form.py);
- /solicitudes/bandeja: the inbox of the organizations the user edits (territorio_citizen_inbox);
- /solicitudes/<id>: one request, its supports and comments, and for whoever answers it
  (editors and admins of the addressed organization, sysadmins) the answer form.
Held texts (personal data found) are never shown: the pages say a text is under review.
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.lib.helpers import Page
from flask import Blueprint, request
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import current
from ..citizen import status as citizen_status
from .errors import handle_errors
from .request_form import NewRequest, first_errors, login_first

citizen_requests = handle_errors(Blueprint("territorio_requests", __name__))

PER_PAGE = 20
# the list's URL parameters (Spanish) → territorio_request_list's
FILTERS = {"q": "q", "estado": "status", "dimension": "dimension", "region": "region",
           "organizacion": "organization"}
SORTS = {"recientes": "created", "apoyos": "votes", "actividad": "modified"}
DEFAULT_SORT = "recientes"
# names of datasets in the answer form: separated by commas, semicolons or blanks
_SEPARATORS = re.compile(r"[\s,;]+")


def _sort_labels() -> list[tuple[str, str]]:
    return [
        ("recientes", tk._("Más recientes")),
        ("apoyos", tk._("Más apoyadas")),
        ("actividad", tk._("Con actividad reciente")),
    ]


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@citizen_requests.route("/solicitudes", strict_slashes=False)
def index() -> str:
    """The public list of requests: filters, order, a count per status, pages of 20."""
    chosen = {key: value for key in FILTERS if (value := request.args.get(key, "").strip())}
    sort = request.args.get("orden", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    page = _page_number()
    wanted = {FILTERS[key]: value for key, value in chosen.items()}
    listing = tk.get_action("territorio_request_list")({}, {
        **wanted, "sort": SORTS[sort], "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE,
    })
    others = {k: v for k, v in wanted.items() if k != "status"}
    counts = {"": tk.get_action("territorio_request_list")({}, {**others, "limit": 0})["count"]}
    for value in citizen_status.STATUSES:
        counts[value] = tk.get_action("territorio_request_list")(
            {}, {**others, "status": value, "limit": 0})["count"]
    query = {**chosen, **({"orden": sort} if sort != DEFAULT_SORT else {})}
    pager = Page(
        collection=listing["results"], page=page, items_per_page=PER_PAGE,
        item_count=listing["count"], presliced_list=True,
        url=lambda **kw: tk.url_for("territorio_requests.index", **{**query, **kw}),
    )
    fw = current.framework()
    return tk.render("territorio/requests/index.html", {
        "listing": listing,
        "pager": pager,
        "chosen": chosen,
        "sort": sort,
        "sorts": _sort_labels(),
        "query": query,
        "counts": counts,
        "status_links": [
            (value, tk.url_for("territorio_requests.index",
                               **{k: v for k, v in {**query, "estado": value}.items() if v}))
            for value in ("", *citizen_status.STATUSES)
        ],
        "dimensions": [d for d in fw.dimensions if not d.cross_cutting],
        "regions": fw.regions,
        "national": fw.national,
        "publisher": _is_publisher(),
    })


def _is_publisher() -> bool:
    """Whether the user answers requests somewhere (editor or admin of an organization, sysadmin)."""
    user = tk.current_user
    if not user.is_authenticated:
        return False
    return authz.is_sysadmin(user.name) or bool(
        tk.get_action("organization_list_for_user")({}, {"id": user.id, "permission": "update_dataset"}))


@citizen_requests.route("/solicitudes/bandeja")
def inbox() -> Any:
    """The open requests addressed to the organizations the user edits, and their reports."""
    if not tk.current_user.is_authenticated:
        return login_first(tk.url_for("territorio_requests.inbox"))
    box = tk.get_action("territorio_citizen_inbox")({}, {})
    return tk.render("territorio/requests/inbox.html", {"box": box, "publisher": _is_publisher()})


def _answer_statuses(current_status: str) -> list[str]:
    """The statuses the answer form offers: the current one and those it may go to."""
    sysadmin = authz.is_sysadmin(tk.current_user.name) if tk.current_user.is_authenticated else False
    return [
        s for s in citizen_status.STATUSES
        if s == current_status or citizen_status.refusal(current_status, s, sysadmin=sysadmin) is None
    ]


def _may_answer(request_id: str) -> bool:
    try:
        tk.check_access("territorio_request_close", {}, {"id": request_id})
    except tk.NotAuthorized:
        return False
    return True


def _show(request_id: str, *, comment: dict[str, Any] | None = None,
          answer: dict[str, Any] | None = None) -> str:
    """The request's page; ``comment`` and ``answer`` carry a refused form's values and errors."""
    shown = tk.get_action("territorio_request_show")({}, {"id": request_id})
    may_answer = _may_answer(shown["id"])
    statuses = _answer_statuses(shown["status"]) if may_answer else []
    return tk.render("territorio/requests/read.html", {
        "req": shown,
        # a closed request has nothing left to answer but for a sysadmin, who may reopen it
        "may_answer": may_answer and (len(statuses) > 1 or shown["status"] in citizen_status.ACTIVE),
        "answer_statuses": statuses,
        "comment": comment or {"values": {}, "errors": {}},
        "answer": answer or {
            "values": {"status": shown["status"], "reason": "",
                       "datasets": ", ".join(d["name"] for d in shown["datasets"])},
            "errors": {},
        },
        "closed": shown["status"] in citizen_status.CLOSED,
    })


@citizen_requests.route("/solicitudes/<id>")
def read(id: str) -> str:
    """One request: status, supports, linked datasets, comments, and the answer form."""
    return _show(id)


def _back(request_id: str, anchor: str) -> WerkzeugResponse:
    return tk.redirect_to(tk.url_for("territorio_requests.read", id=request_id) + anchor)


@citizen_requests.route("/solicitudes/<id>/apoyo", methods=["POST"])
def vote(id: str) -> WerkzeugResponse:
    """Support the request (``apoyo=1``) or withdraw the support (``apoyo=0``)."""
    if not tk.current_user.is_authenticated:
        return login_first(tk.url_for("territorio_requests.read", id=id))
    supports = request.form.get("apoyo", "1") != "0"
    try:
        tk.get_action("territorio_request_vote")({}, {"id": id, "vote": supports})
    except tk.ValidationError as error:
        tk.h.flash_error(" ".join(first_errors(error).values()))
    else:
        tk.h.flash_success(tk._("Gracias: su apoyo quedó registrado.") if supports
                           else tk._("Retiró su apoyo a esta solicitud."))
    return _back(id, "#apoyos")


@citizen_requests.route("/solicitudes/<id>/comentario", methods=["POST"])
def comment(id: str) -> Any:
    """Add a comment; a refused one comes back with its text and the reason beside it."""
    if not tk.current_user.is_authenticated:
        return login_first(tk.url_for("territorio_requests.read", id=id))
    text = request.form.get("text", "")
    try:
        added = tk.get_action("territorio_request_comment")({}, {"id": id, "text": text})
    except tk.ValidationError as error:
        return _show(id, comment={"values": {"text": text}, "errors": first_errors(error)})
    if added.get("note"):
        tk.h.flash_notice(added["note"])
    else:
        tk.h.flash_success(tk._("Su comentario fue publicado."))
    return _back(id, "#comentarios")


def dataset_names(text: str) -> list[str]:
    """The dataset names typed in the answer form (a dataset's address gives its name)."""
    names = []
    for part in _SEPARATORS.split(text.strip()):
        if "/dataset/" in part:
            part = part.split("/dataset/", 1)[1].split("/", 1)[0].split("?", 1)[0]
        if part:
            names.append(part)
    return list(dict.fromkeys(names))


@citizen_requests.route("/solicitudes/<id>/respuesta", methods=["POST"])
def answer(id: str) -> Any:
    """The organization's answer: a new status (a reason when rejected) and the datasets."""
    if not tk.current_user.is_authenticated:
        return login_first(tk.url_for("territorio_requests.read", id=id))
    values = {key: request.form.get(key, "") for key in ("status", "reason", "datasets")}
    data: dict[str, Any] = {"id": id, "status": values["status"].strip(),
                            "datasets": dataset_names(values["datasets"])}
    if values["reason"].strip():
        data["reason"] = values["reason"]
    try:
        if data["status"] in citizen_status.CLOSED:
            if not data["datasets"]:
                del data["datasets"]  # close keeps the datasets linked before
            tk.get_action("territorio_request_close")({}, data)
        else:
            data.pop("reason", None)
            tk.get_action("territorio_request_update")({}, data)
    except tk.ValidationError as error:
        return _show(id, answer={"values": values, "errors": first_errors(error)})
    tk.h.flash_success(tk._("La respuesta quedó registrada."))
    return _back(id, "#respuesta")


citizen_requests.add_url_rule(
    "/solicitudes/nueva", view_func=NewRequest.as_view("new"), methods=["GET", "POST"])
