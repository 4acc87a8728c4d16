"""The outbound client itself, against local servers: redirects, secrets, retries, caps, deadlines."""
from __future__ import annotations

import io
import json
import time
from collections.abc import Callable

import pytest
from net_servers import Site, Trickler

from ckanext.territorio.net import client as net
from ckanext.territorio.net import guard
from ckanext.territorio.net.deadline import Deadline
from ckanext.territorio.net.errors import (
    AddressRefused,
    DeadlineExceeded,
    InvalidURL,
    RedirectLoop,
    RetryAfterTooLong,
    TooLarge,
    TooManyRedirects,
    Unreachable,
)

LOOPBACK = guard.parse_networks(["127.0.0.1"])


def client(**overrides) -> net.Client:
    values = {"allow": LOOPBACK, "backoff": 0.01, "retries": 2, "response_deadline": 5.0}
    values.update(overrides)
    return net.Client(net.Limits(**values))


def test_a_page_is_read_whole_with_the_user_agent(site: Site):
    with client() as http:
        response = http.get(f"{site.base}/headers")
    assert response.status == 200
    assert json.loads(response.body)["user-agent"] == net.USER_AGENT


def test_redirects_are_followed_and_the_history_kept(site: Site):
    with client() as http:
        response = http.get(f"{site.base}/redirect?to=/ok")
    assert (response.status, response.url, response.body) == (200, f"{site.base}/ok", b"a,b\n1,2\n")
    assert response.history == (f"{site.base}/redirect?to=/ok",)


def test_a_secret_header_does_not_follow_a_redirect_to_another_host(site: Site):
    other = f"http://localhost:{site.port}/headers"
    with client() as http:
        same = json.loads(http.get(f"{site.base}/redirect?to=/headers", {"X-API-Key": "secreta"}).body)
        moved = json.loads(http.get(f"{site.base}/redirect?to={other}", {"X-API-Key": "secreta"}).body)
    assert same["x-api-key"] == "secreta"
    assert "x-api-key" not in moved


def test_a_redirect_loop_names_the_repeated_url(site: Site):
    with client(max_redirects=10) as http, pytest.raises(RedirectLoop) as caught:
        http.get(f"{site.base}/loop-a")
    assert (caught.value.status, caught.value.url) == (302, f"{site.base}/loop-a")
    assert caught.value.message == f"las redirecciones vuelven a {site.base}/loop-a"
    assert site.seen == [("GET", "/loop-a"), ("GET", "/loop-b")]


def test_redirects_stop_at_the_cap(site: Site):
    chain = "/ok"
    for _ in range(4):
        chain = "/redirect?to=" + chain.replace("%", "%25").replace("?", "%3F").replace("=", "%3D")
    with client(max_redirects=2) as http, pytest.raises(TooManyRedirects, match="más de 2 redirecciones"):
        http.get(f"{site.base}{chain}")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://datos.example/a.csv", "http:///sin-host", "datos.csv"])
def test_only_http_urls_with_a_host(url: str):
    with client() as http, pytest.raises(InvalidURL, match="solo se admiten direcciones http"):
        http.get(url)


def test_credentials_in_the_url_can_be_refused(site: Site):
    with client(refuse_userinfo=True) as http, pytest.raises(InvalidURL, match="usuario ni contraseña"):
        http.get(f"http://usuario:secreto@127.0.0.1:{site.port}/ok")


def test_a_refusal_names_the_configured_option(site: Site):
    option = "ckanext.territorio.policy.fetch_allow"
    with client(allow=(), allow_option=option) as http, pytest.raises(AddressRefused, match=f"autorizarla en {option}"):
        http.get(f"{site.base}/ok")
    assert site.seen == []


def test_a_declared_length_over_the_cap_is_refused_before_reading(site: Site):
    with client(max_response_bytes=4) as http, pytest.raises(TooLarge) as caught:
        http.get(f"{site.base}/ok")
    assert (caught.value.declared, caught.value.limit) == (8, 4)
    assert caught.value.message == "la respuesta declara 8 bytes, más que el máximo de 4 bytes"


def test_the_cap_holds_while_a_body_without_length_streams(site: Site):
    target = io.BytesIO()
    url = f"{site.base}/stream?bytes=3000000"
    with client(max_response_bytes=200_000) as http, http.open("GET", url) as response, pytest.raises(TooLarge, match="supera"):
        response.copy_to(target)
    assert len(target.getvalue()) <= 200_000


def test_a_closed_port_is_unreachable():
    with client(retries=0) as http, pytest.raises(Unreachable, match="conexión rechazada"):
        http.get("http://127.0.0.1:9/nada")


def test_one_deadline_spans_several_requests(trickler: Callable[..., Trickler]):
    server = trickler("headers", interval=1.0)
    started = time.monotonic()
    with client(response_deadline=30.0) as http, Deadline(2.0) as shared, pytest.raises(DeadlineExceeded, match="más de 2 s"):
        http.get(f"{server.base}/a", deadline=shared)
    assert 2.0 - 0.05 <= time.monotonic() - started < 3.0


def test_a_retry_after_longer_than_the_deadline_is_not_waited(trickler: Callable[..., Trickler]):
    busy = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n"
    server = trickler("none", reply=busy)
    started = time.monotonic()
    with client(response_deadline=3.0, max_retry_after=60.0) as http, pytest.raises(RetryAfterTooLong) as caught:
        http.get(f"{server.base}/ocupado")
    assert time.monotonic() - started < 1.0
    assert "30 s (Retry-After), más de lo que queda del plazo de 3 s" in caught.value.message


def test_backoff_never_sleeps_past_the_deadline(trickler: Callable[..., Trickler]):
    # Connection: close because the trickler answers once per connection: a reused socket
    # would race the server's close and spend a retry on a reset instead of a request
    reply = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    server = trickler("none", reply=reply)
    started = time.monotonic()
    with client(response_deadline=1.5, retries=10, backoff=2.0) as http, pytest.raises(DeadlineExceeded):
        http.get(f"{server.base}/roto")
    assert 1.5 - 0.05 <= time.monotonic() - started < 2.5
    assert 1 < len(server.requests) <= 4  # retried, but not beyond the deadline


def test_a_deadline_leaves_no_socket_behind(trickler: Callable[..., Trickler]):
    server = trickler("body", interval=1.0)
    with client(response_deadline=1.0) as http, pytest.raises(DeadlineExceeded):
        http.get(f"{server.base}/x")
    assert server.hung_up.wait(5)
    assert server.hung_up_at is not None


def test_a_tls_handshake_that_trickles_is_cut_at_the_deadline(trickler: Callable[..., Trickler]):
    # a TLS record header announcing a 16 KB handshake, then one byte a second
    server = trickler("raw", interval=1.0, reply=b"\x16\x03\x03\x40\x00" + b"\x02" * 100)
    started = time.monotonic()
    slow = client(response_deadline=2.0, connect_timeout=10.0, read_timeout=10.0, retries=0)
    with slow as http, pytest.raises(DeadlineExceeded, match="más de 2 s"):
        http.get(f"https://127.0.0.1:{server.port}/")
    assert 2.0 - 0.05 <= time.monotonic() - started < 3.0
    assert server.hung_up.wait(5)
