"""Mail to the publishers (and sysadmins for urgent reports) through CKAN's mailer.

Only when ``smtp.server`` is set; a failure is logged and never fails the action (the
inbox, ``territorio_citizen_inbox``, is the path that needs no mail).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

log = logging.getLogger(__name__)


def enabled() -> bool:
    """Whether an SMTP server is configured."""
    return bool(tk.config.get("smtp.server"))


def send(recipients: Iterable[model.User], subject: str, body: str) -> int:
    """Mail each recipient with an e-mail address; how many were sent (errors logged)."""
    if not enabled():
        return 0
    sent = 0
    for user in {u.id: u for u in recipients}.values():
        if not user.email:
            continue
        try:
            mailer.mail_user(user, subject, body)
            sent += 1
        except Exception:  # a mail failure must never fail the citizen's action
            log.exception("No se pudo enviar el aviso a %s", user.name)
    return sent
