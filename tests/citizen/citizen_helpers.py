"""Helpers of the citizen channel's tests: row counts and calls as a user."""
from __future__ import annotations

from ckan import model
from ckan.tests.helpers import call_action

from ckanext.territorio.model.citizen import (
    CitizenRequest,
    Report,
    RequestComment,
    RequestDataset,
    RequestVote,
)

TABLES = (CitizenRequest, RequestVote, RequestComment, RequestDataset, Report)


def rows() -> dict[str, int]:
    """Rows in each table of the channel."""
    model.Session.expire_all()
    return {t.__tablename__: model.Session.query(t).count() for t in TABLES}


def as_user(user: dict | None) -> dict:
    """An action context for the user (None: anonymous)."""
    return {"user": user["name"] if user else "", "ignore_auth": False}


def act(name: str, user: dict | None, **data):
    """Call an action as the user, with auth checked."""
    return call_action(name, context=as_user(user), **data)
