"""Broken-link checks against a local HTTP server, and the stored latest check per resource."""
from __future__ import annotations

import http.server
import io
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.lib import uploader
from ckan.tests import factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas
from werkzeug.datastructures import FileStorage

from ckanext.territorio.model.quality import LinkCheck
from ckanext.territorio.quality import links

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)


class LinkServer:
    """A threaded HTTP server on 127.0.0.1 with one behaviour per path; it logs what it saw."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_HEAD(self) -> None:
                server.seen.append(("HEAD", self.path))
                server.answer(self, "HEAD")

            def do_GET(self) -> None:
                server.seen.append(("GET", self.path))
                server.answer(self, "GET")

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        path = handler.path
        if path == "/ok":
            self.send(handler, 200, body=b"comuna,total\nTemuco,3\n" if method == "GET" else b"")
        elif path == "/missing":
            self.send(handler, 404)
        elif path in ("/no-head", "/head-forbidden"):
            if method == "HEAD":
                self.send(handler, 405 if path == "/no-head" else 403)
            else:
                self.send(handler, 200, body=b"x" * 2_000_000)  # more than the check reads
        elif path == "/slow":
            time.sleep(3)
            self.send(handler, 200)
        elif path == "/loop-a":
            self.send(handler, 302, location="/loop-b")
        elif path == "/loop-b":
            self.send(handler, 302, location=f"{self.base}/loop-a")
        elif path.startswith("/chain/"):
            step = int(path.rsplit("/", 1)[1])
            self.send(handler, 301, location=f"/chain/{step + 1}")
        elif path == "/moved":
            self.send(handler, 301, location="/ok")
        elif path == "/to-private":
            self.send(handler, 302, location=f"http://127.0.0.2:{self.port}/ok")
        else:
            self.send(handler, 500)

    @staticmethod
    def send(handler: http.server.BaseHTTPRequestHandler, status: int, *, body: bytes = b"", location: str | None = None) -> None:
        handler.send_response(status)
        if location:
            handler.send_header("Location", location)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if body:
            try:
                handler.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the checker stops reading after a few KB

    def start(self) -> LinkServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[LinkServer]:
    running = LinkServer().start()
    try:
        yield running
    finally:
        running.stop()


def check(url: str, *, timeout: float = 2.0, max_redirects: int = 5, allow=LOOPBACK) -> links.LinkResult:
    return links.check_url(url, timeout=timeout, max_redirects=max_redirects, allow=allow)


# --- check_url -----------------------------------------------------------------------------------


def test_a_url_answering_200_is_ok(server: LinkServer):
    result = check(f"{server.base}/ok")
    assert (result.ok, result.outcome, result.status_code) == (True, "ok", 200)
    assert result.final_url == f"{server.base}/ok" and result.message is None
    assert server.seen == [("HEAD", "/ok")]


def test_a_url_answering_404_is_an_http_error(server: LinkServer):
    result = check(f"{server.base}/missing")
    assert (result.ok, result.outcome, result.status_code) == (False, "http_error", 404)
    assert result.message == "el servidor respondió 404 (no encontrado)"


@pytest.mark.parametrize("path", ["/no-head", "/head-forbidden"])
def test_a_refused_head_is_retried_with_get(server: LinkServer, path: str):
    result = check(f"{server.base}{path}")
    assert (result.outcome, result.status_code) == ("ok", 200)
    assert server.seen == [("HEAD", path), ("GET", path)]


def test_a_server_that_does_not_answer_in_time_is_a_timeout(server: LinkServer):
    started = time.monotonic()
    result = check(f"{server.base}/slow", timeout=0.5)
    assert (result.ok, result.outcome, result.status_code) == (False, "timeout", None)
    assert time.monotonic() - started < 2.5  # did not wait for the 3-second answer
    assert result.message == "el servidor no respondió en 0.5 s"


def test_redirects_are_followed_to_the_final_url(server: LinkServer):
    result = check(f"{server.base}/moved")
    assert (result.outcome, result.status_code, result.final_url) == ("ok", 200, f"{server.base}/ok")
    assert server.seen == [("HEAD", "/moved"), ("HEAD", "/ok")]


def test_a_redirect_loop_is_detected(server: LinkServer):
    result = check(f"{server.base}/loop-a", max_redirects=10)
    assert (result.ok, result.outcome, result.status_code) == (False, "redirect_loop", 302)
    assert result.final_url == f"{server.base}/loop-a"
    assert server.seen == [("HEAD", "/loop-a"), ("HEAD", "/loop-b")]  # stopped at the repeat


def test_too_many_redirects_stop_at_the_cap(server: LinkServer):
    result = check(f"{server.base}/chain/0", max_redirects=3)
    assert (result.ok, result.outcome, result.status_code) == (False, "too_many_redirects", 301)
    assert [path for _method, path in server.seen] == ["/chain/0", "/chain/1", "/chain/2", "/chain/3"]
    assert result.final_url == f"{server.base}/chain/4"


def test_a_private_address_is_refused_unless_allow_listed(server: LinkServer):
    result = check(f"{server.base}/ok", allow=())
    assert (result.ok, result.outcome, result.status_code) == (False, "private_address", None)
    assert "127.0.0.1" in (result.message or "")
    assert server.seen == []  # never dialled


def test_a_redirect_to_a_private_address_is_refused(server: LinkServer):
    result = check(f"{server.base}/to-private")
    assert result.outcome == "private_address"
    assert result.final_url == f"http://127.0.0.2:{server.port}/ok"
    assert server.seen == [("HEAD", "/to-private")]


def test_a_closed_port_is_a_connection_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check(f"http://127.0.0.1:{port}/ok")
    assert (result.ok, result.outcome) == (False, "connection_error")
    assert "conexión rechazada" in (result.message or "")


@pytest.mark.parametrize("url", ["", "ftp://datos.example/a.csv", "datos.csv", "http:///sin-host"])
def test_what_is_not_an_http_url_is_invalid(url: str):
    result = check(url)
    assert (result.ok, result.outcome) == (False, "invalid_url")


def test_credentials_in_a_url_are_not_stored(server: LinkServer):
    result = check(f"http://usuario:secreto@127.0.0.1:{server.port}/ok")
    assert result.outcome == "ok"
    assert "secreto" not in result.url and "secreto" not in (result.final_url or "")


# --- a dataset's resources, stored ---------------------------------------------------------------


def rows(package_id: str) -> dict[str, LinkCheck]:
    model.Session.expire_all()
    return {row.resource_id: row for row in model.Session.query(LinkCheck).filter_by(package_id=package_id)}


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.territorio.harvest.allow_networks", "127.0.0.1")
@pytest.mark.ckan_config("ckanext.territorio.quality.link_timeout", 2)
@pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False)
class TestStoredChecks:
    pytestmark = territorial_schemas

    def dataset(self, server: LinkServer) -> dict[str, Any]:
        dataset = TerritorialDataset(
            resources=[
                {"url": f"{server.base}/ok", "format": "CSV", "name": "Bueno"},
                {"url": f"{server.base}/missing", "format": "CSV", "name": "Roto"},
                {"url": "_datastore_only_resource", "url_type": "datastore", "name": "Mediciones", "format": "CSV"},
            ]
        )
        upload = FileStorage(stream=io.BytesIO(b"comuna,total\nTemuco,3\n"), filename="conteo.csv", content_type="text/csv")
        call_action(
            "resource_create",
            context={"user": factories.Sysadmin()["name"]},
            package_id=dataset["id"],
            name="Subido",
            format="CSV",
            upload=upload,
        )
        return call_action("package_show", id=dataset["id"])

    def test_each_resource_gets_its_latest_check(self, server: LinkServer):
        dataset = self.dataset(server)
        good, broken, datastore, uploaded = (r["id"] for r in dataset["resources"])
        results = links.check_package(dataset["id"])
        stored = rows(dataset["id"])
        assert set(stored) == set(results) == {good, broken, uploaded}  # the DataStore-only one has no URL
        assert (stored[good].ok, stored[good].outcome, stored[good].status_code) == (True, "ok", 200)
        assert (stored[broken].ok, stored[broken].outcome, stored[broken].status_code) == (False, "http_error", 404)
        assert stored[broken].message == "el servidor respondió 404 (no encontrado)"
        assert stored[broken].url == f"{server.base}/missing"
        assert (stored[uploaded].ok, stored[uploaded].status_code) == (True, 200)
        # the upload was looked for in storage, not requested from the portal
        assert all(path in ("/ok", "/missing") for _method, path in server.seen)

    def test_a_second_check_updates_the_rows_and_forgets_removed_resources(self, server: LinkServer):
        dataset = self.dataset(server)
        good, broken, _datastore, uploaded = (r["id"] for r in dataset["resources"])
        links.check_package(dataset["id"])
        first = rows(dataset["id"])[good].checked_at
        call_action(
            "package_patch",
            context={"user": factories.Sysadmin()["name"]},
            id=dataset["id"],
            resources=[r for r in dataset["resources"] if r["id"] != broken],
        )
        links.check_package(dataset["id"])
        stored = rows(dataset["id"])
        assert set(stored) == {good, uploaded}
        assert stored[good].checked_at > first
        assert model.Session.query(LinkCheck).count() == 2

    def test_a_missing_upload_is_broken(self, server: LinkServer):
        dataset = self.dataset(server)
        uploaded = dataset["resources"][3]
        os.remove(uploader.get_resource_uploader(uploaded).get_path(uploaded["id"]))
        links.check_package(dataset["id"])
        stored = rows(dataset["id"])[uploaded["id"]]
        assert (stored.ok, stored.outcome, stored.status_code) == (False, "http_error", 404)
        assert stored.message == "el archivo subido no está en el almacenamiento del portal"

    def test_the_check_rescores_the_dataset(self, server: LinkServer, monkeypatch):
        import importlib

        service = importlib.import_module("ckanext.territorio.quality.service")
        rescored: list[str] = []
        monkeypatch.setattr(service, "rescore", rescored.append)
        dataset = self.dataset(server)
        links.check_package(dataset["id"])
        assert rescored == [dataset["id"]]

    @pytest.mark.ckan_config("ckanext.territorio.quality.score_on_save", False)
    def test_the_job_leaves_a_fresh_score(self, server: LinkServer):
        from ckanext.territorio.model.quality import QualityScore

        dataset = self.dataset(server)
        assert model.Session.get(QualityScore, dataset["id"]) is None
        links.check_package(dataset["id"])
        model.Session.expire_all()
        score = model.Session.get(QualityScore, dataset["id"])
        assert score is not None and score.scored_at >= rows(dataset["id"])[dataset["resources"][0]["id"]].checked_at

    def test_latest_for_packages_groups_by_dataset_and_resource(self, server: LinkServer):
        first, second = self.dataset(server), self.dataset(server)
        links.check_package(first["id"])
        links.check_package(second["id"])
        found = links.latest_for_packages([first["id"], second["id"], "no-existe"])
        assert set(found) == {first["id"], second["id"]}
        assert {c.outcome for c in found[first["id"]].values()} == {"ok", "http_error"}
        assert links.latest_for_packages([]) == {}

    def test_a_deleted_dataset_is_left_alone(self, server: LinkServer):
        dataset = self.dataset(server)
        call_action("package_delete", context={"user": factories.Sysadmin()["name"]}, id=dataset["id"])
        assert links.check_package(dataset["id"]) == {}
        assert links.check_package("no-existe") == {}
        assert rows(dataset["id"]) == {}


@pytest.mark.usefixtures("with_plugins", "clean_db", "with_test_worker", "clean_queues")
@pytest.mark.ckan_config("ckanext.territorio.harvest.allow_networks", "127.0.0.1")
@pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False)
class TestBackgroundJob:
    pytestmark = territorial_schemas

    def test_enqueued_check_runs_on_the_territorio_queue(self, server: LinkServer):
        from ckan.lib import jobs

        dataset = TerritorialDataset(resources=[{"url": f"{server.base}/missing", "format": "CSV", "name": "Roto"}])
        links.enqueue_package(dataset["id"])
        title = f"territorio: revisión de enlaces {dataset['id']}"
        # the policy's validation jobs share the queue
        queued = [job["title"] for job in call_action("job_list", queues=["territorio"])]
        assert queued.count(title) == 1
        assert rows(dataset["id"]) == {}
        jobs.Worker(["territorio"]).work(burst=True)
        stored = rows(dataset["id"])
        assert [(c.outcome, c.status_code) for c in stored.values()] == [("http_error", 404)]
        assert call_action("job_list", queues=["territorio"]) == []


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.territorio.harvest.allow_networks", "127.0.0.1")
@pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False)
class TestCommand:
    pytestmark = territorial_schemas

    def test_check_all_prints_a_summary_in_spanish(self, cli, server: LinkServer):
        TerritorialDataset(resources=[{"url": f"{server.base}/ok", "format": "CSV", "name": "Bueno"}])
        TerritorialDataset(
            resources=[
                {"url": f"{server.base}/missing", "format": "CSV", "name": "Roto"},
                {"url": f"{server.base}/loop-a", "format": "CSV", "name": "Bucle"},
            ]
        )
        result = cli.invoke(ckan, ["territorio", "links", "check", "--all"])
        assert result.exit_code == 0, result.output
        assert (
            "Revisados 3 enlaces de 2 conjuntos de datos: 1 correctos, 2 con problemas "
            "(1 con error HTTP, 1 con redirecciones en bucle)."
        ) in result.output
        assert model.Session.query(LinkCheck).count() == 3

    def test_check_one_dataset(self, cli, server: LinkServer):
        dataset = TerritorialDataset(resources=[{"url": f"{server.base}/ok", "format": "CSV", "name": "Bueno"}])
        TerritorialDataset(resources=[{"url": f"{server.base}/missing", "format": "CSV", "name": "Roto"}])
        result = cli.invoke(ckan, ["territorio", "links", "check", "--dataset", dataset["name"]])
        assert result.exit_code == 0, result.output
        assert "Revisados 1 enlaces de 1 conjuntos de datos: 1 correctos." in result.output
        assert [c.package_id for c in model.Session.query(LinkCheck)] == [dataset["id"]]

    @pytest.mark.usefixtures("clean_queues")
    def test_background_puts_one_job_per_dataset_on_the_queue(self, cli, server: LinkServer):
        first = TerritorialDataset(resources=[{"url": f"{server.base}/ok", "format": "CSV", "name": "Bueno"}])
        second = TerritorialDataset(resources=[{"url": f"{server.base}/missing", "format": "CSV", "name": "Roto"}])
        result = cli.invoke(ckan, ["territorio", "links", "check", "--all", "--background"])
        assert result.exit_code == 0, result.output
        assert "Encolados 2 conjuntos de datos en la cola territorio." in result.output
        titles = {job["title"] for job in call_action("job_list", queues=["territorio"])}
        assert {f"territorio: revisión de enlaces {d['id']}" for d in (first, second)} <= titles
        assert model.Session.query(LinkCheck).count() == 0  # nothing checked yet

    def test_dataset_or_all_is_required(self, cli):
        result = cli.invoke(ckan, ["territorio", "links", "check"])
        assert result.exit_code == 2
        assert "Indique --dataset NOMBRE o --all" in result.output
        unknown = cli.invoke(ckan, ["territorio", "links", "check", "--dataset", "no-existe"])
        assert unknown.exit_code == 1
        assert "No existe el conjunto de datos 'no-existe'" in unknown.output


@pytest.mark.usefixtures("with_plugins")
def test_every_outcome_has_a_label(app):
    assert all(outcome in (LinkCheck.__doc__ or "") for outcome in links.OUTCOMES)  # as the table documents
    with app.flask_app.test_request_context():
        labels = {outcome: links.outcome_label(outcome) for outcome in links.OUTCOMES}
    assert labels["timeout"] == "Sin respuesta a tiempo"
    assert len(set(labels.values())) == len(links.OUTCOMES)
