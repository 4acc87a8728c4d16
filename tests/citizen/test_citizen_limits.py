"""Rate limits per user and per address, and mail to the publishers (a real local SMTP sink)."""
from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator

import ckan.plugins.toolkit as tk
import pytest
from citizen_helpers import act, rows
from ckan.tests import factories as ckan_factories
from factories import territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]

ACTION = "/api/3/action/territorio_request_create"


@pytest.mark.ckan_config("ckanext.territorio.citizen.per_user_per_hour", 2)
def test_per_user_limit_counts_requests_comments_and_reports(citizen, dataset, request_of):
    first = request_of()
    act("territorio_request_comment", citizen, id=first["id"], text="Agrego detalles")
    before = rows()
    for name, data in [
        ("territorio_request_create", {"title": "Otra solicitud de datos", "description": "x"}),
        ("territorio_request_comment", {"id": first["id"], "text": "otro"}),
        ("territorio_report_create", {"package_id": dataset["id"], "kind": "otro", "text": "x"}),
    ]:
        with pytest.raises(tk.ValidationError) as raised:
            act(name, citizen, **data)
        assert "demasiados" in raised.value.error_dict["rate"][0]
    assert rows() == before
    # votes are not writings, and other users have their own budget
    act("territorio_request_vote", citizen, id=first["id"])
    act("territorio_request_comment", ckan_factories.User(), id=first["id"], text="Yo también")


@pytest.mark.ckan_config("ckanext.territorio.citizen.per_user_per_hour", 1)
def test_sysadmins_are_not_limited(sysadmin):
    for n in range(3):
        act("territorio_request_create", sysadmin, title=f"Solicitud número {n} de prueba", description="x")
    assert rows()["territorio_request"] == 3


@pytest.mark.ckan_config("ckanext.territorio.citizen.per_address_per_hour", 2)
def test_per_address_limit(app):
    def post(user: dict, address: str):
        token = ckan_factories.APIToken(user=user["name"])["token"]
        return app.post(ACTION, json={"title": "Datos de ciclovías de Temuco", "description": "x"},
                        headers={"Authorization": token}, extra_environ={"REMOTE_ADDR": address},
                        status=None)

    users = [ckan_factories.User() for _ in range(4)]
    assert post(users[0], "203.0.113.5").status_code == 200
    assert post(users[1], "203.0.113.5").status_code == 200
    refused = post(users[2], "203.0.113.5")
    assert refused.status_code == 409
    assert "dirección" in refused.json["error"]["rate"][0]
    assert post(users[3], "198.51.100.7").status_code == 200
    assert rows()["territorio_request"] == 3
    # the address itself is never stored
    from ckan import model

    from ckanext.territorio.model.citizen import CitizenRequest
    stored = {r.address_hash for r in model.Session.query(CitizenRequest)}
    assert len(stored) == 2 and not any("203.0.113.5" in (h or "") for h in stored)


class _Sink(socketserver.StreamRequestHandler):
    """Just enough SMTP to take a message (what smtplib sends)."""

    def handle(self) -> None:
        self.wfile.write(b"220 sink\r\n")
        in_data = False
        lines: list[bytes] = []
        for raw in self.rfile:
            line = raw.rstrip(b"\r\n")
            if in_data:
                if line == b".":
                    in_data = False
                    self.server.messages.append(b"\n".join(lines).decode("utf-8", "replace"))  # type: ignore[attr-defined]
                    lines = []
                    self.wfile.write(b"250 ok\r\n")
                else:
                    lines.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 go\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink() -> Iterator[tuple[str, list[str]]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", server.messages  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def test_publishers_and_sysadmins_are_mailed(smtp_sink, ckan_config, monkeypatch, citizen, editor, org_admin,
                                             sysadmin, dataset, request_of):
    address, messages = smtp_sink
    monkeypatch.setitem(ckan_config, "smtp.server", address)
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "portal@example.org")
    request_of()
    assert len(messages) == 2  # the editor and the admin, each once
    assert any("editor@municipio.example" in m for m in messages)
    messages.clear()
    act("territorio_report_create", citizen, package_id=dataset["id"], kind="datos-personales", text="x")
    assert len(messages) == 3  # editor, admin, and the sysadmin (urgent)


def test_a_mail_failure_does_not_fail_the_action(ckan_config, monkeypatch, citizen, editor, request_of):
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:9")  # nothing listens there
    created = request_of()
    assert act("territorio_request_show", None, id=created["id"])["id"] == created["id"]
    assert rows()["territorio_request"] == 1
