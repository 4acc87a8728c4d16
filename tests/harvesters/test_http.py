"""The hostile-source HTTP client, against local servers (plain Python, no CKAN)."""
from __future__ import annotations

import time

import pytest
from harvest_fakes import FakeServer, Reply

from ckanext.territorio.net import guard
from ckanext.territorio_harvesters.errors import (
    AddressRefused,
    BadPayload,
    HTTPStatusError,
    RunLimit,
    TooLarge,
)
from ckanext.territorio_harvesters.http import Client, Limits, RetryAfterTooLong, parse_xml

LOOPBACK = guard.parse_networks(["127.0.0.1"])


def client(**overrides) -> Client:
    values = {"allow": LOOPBACK, "backoff": 0.01, "retries": 3, "read_timeout": 5.0}
    values.update(overrides)
    return Client(Limits(**values))


@pytest.fixture
def server():
    fake = FakeServer().start()
    fake.route(r"/ok", lambda request: Reply.json({"ok": True, "key": request.headers.get("x-api-key")}))
    fake.route(r"/big", lambda request: Reply(200, b"[" + b"1," * 10_000_000 + b"1]"))
    fake.route(r"/redirect-out", lambda request: Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    try:
        yield fake
    finally:
        fake.stop()


class TestPrivateAddresses:
    def test_loopback_is_refused_unless_allow_listed(self, server):
        with pytest.raises(AddressRefused, match="no es pública"):
            client(allow=()).get(f"{server.base}/ok")
        assert server.log == []

    def test_localhost_by_name_is_refused_too(self, server):
        port = server.base.rsplit(":", 1)[1]
        with pytest.raises(AddressRefused):
            client(allow=()).get(f"http://localhost:{port}/ok")

    def test_a_redirect_to_a_metadata_address_is_refused(self, server):
        with pytest.raises(AddressRefused, match="169.254.169.254"):
            client().get(f"{server.base}/redirect-out")

    def test_private_ranges_are_not_public(self):
        for address in ("10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "::1", "fc00::1", "100.64.0.1"):
            assert not guard.is_allowed(address, ())
        assert guard.is_allowed("200.1.2.3", ())
        assert guard.is_allowed("10.20.0.5", guard.parse_networks(["10.20.0.0/16"]))

    def test_only_http_schemes(self):
        with pytest.raises(Exception, match="http"):
            client().get("file:///etc/passwd")


class TestRetries:
    def test_429_with_retry_after_is_waited_out(self, server):
        server.fault(r"/ok", Reply.json({"detail": "Too many requests"}, 429, **{"Retry-After": "1"}))
        started = time.monotonic()
        data, _response = client().get_json(f"{server.base}/ok", type=dict)
        assert data["ok"] is True
        assert time.monotonic() - started >= 1.0
        assert len(server.requests_to(r"/ok")) == 2

    def test_a_retry_after_beyond_the_ceiling_stops_the_run(self, server):
        server.fault(r"/ok", Reply.json({}, 429, **{"Retry-After": "3600"}))
        with pytest.raises(RetryAfterTooLong, match="3600"):
            client(max_retry_after=5).get(f"{server.base}/ok")

    def test_500_then_recovery(self, server):
        server.fault(r"/ok", Reply.json({"error": "boom"}, 500), times=2)
        data, _response = client().get_json(f"{server.base}/ok", type=dict)
        assert data["ok"] is True
        assert len(server.requests_to(r"/ok")) == 3

    def test_persistent_500_gives_up_with_the_status(self, server):
        server.fault(r"/ok", Reply.json({"error": "boom"}, 503), times=10)
        with pytest.raises(HTTPStatusError) as caught:
            client(retries=2).get(f"{server.base}/ok")
        assert caught.value.status == 503
        assert len(server.requests_to(r"/ok")) == 3

    def test_an_unanswered_port_is_unreachable_not_a_crash(self):
        from ckanext.territorio_harvesters.errors import Unreachable

        with pytest.raises(Unreachable):
            client(retries=1).get("http://127.0.0.1:9/nothing")


class TestCaps:
    def test_a_20_mb_page_is_refused_by_the_byte_cap(self, server):
        with pytest.raises(TooLarge, match="16 MB"):
            client(max_response_bytes=16 * 1024 * 1024).get(f"{server.base}/big")

    def test_the_page_cap_stops_the_run(self, server):
        harvest = client(max_pages=2)
        harvest.get(f"{server.base}/ok")
        harvest.get(f"{server.base}/ok")
        with pytest.raises(RunLimit, match="2 páginas"):
            harvest.get(f"{server.base}/ok")

    def test_the_run_byte_cap_stops_the_run(self, server):
        harvest = client(max_run_bytes=50)
        harvest.get(f"{server.base}/ok")
        with pytest.raises(RunLimit, match="MB por ejecución"):
            for _ in range(5):
                harvest.get(f"{server.base}/ok")


class TestPayloads:
    def test_truncated_json_names_the_byte_where_it_ended(self, server):
        server.fault(r"/ok", Reply(200, b'{"value": [{"result": 1}, {"resu'))
        with pytest.raises(BadPayload, match="truncado.*byte 32"):
            client().get_json(f"{server.base}/ok", type=dict)

    def test_a_wrong_type_names_the_json_path(self, server):
        import msgspec

        class Page(msgspec.Struct):
            value: list[int]

        server.fault(r"/ok", Reply(200, b'{"value": [1, 2, "tres"]}'))
        with pytest.raises(BadPayload, match=r"\$\.value\[2\]"):
            client().get_json(f"{server.base}/ok", type=Page)

    def test_xml_with_entities_is_refused(self):
        bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r>&b;</r>'
        with pytest.raises(BadPayload, match="rechazado"):
            parse_xml(bomb)
        external = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
        with pytest.raises(BadPayload):
            parse_xml(external)

    def test_the_api_key_header_is_sent(self, server):
        data, _response = Client(Limits(allow=LOOPBACK), {"X-API-Key": "secreta"}).get_json(f"{server.base}/ok", type=dict)
        assert data["key"] == "secreta"
