"""The three callers of the outbound client hold the same line: harvest fetch, content fetch, link check.

Every private spelling is refused by each caller with a Spanish message and never dialled;
allow-listed networks are accepted; a server trickling one byte a second is cut at each
caller's deadline (elapsed time asserted against the limit); the byte cap holds mid-stream.
"""
from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from net_servers import Site, Trickler

from ckanext.territorio.net import guard
from ckanext.territorio.policy.fetch import FetchError, FetchLimits, fetch
from ckanext.territorio.quality import links
from ckanext.territorio_harvesters.errors import AddressRefused as HarvestAddressRefused
from ckanext.territorio_harvesters.errors import SourceError, TooLarge, Unreachable
from ckanext.territorio_harvesters.http import Client as HarvestClient
from ckanext.territorio_harvesters.http import Limits as HarvestLimits

LOOPBACK = guard.parse_networks(["127.0.0.1"])
MARGIN = 1.0  # seconds a caller may overrun its limit (the watchdog's wake-up, closing)


@dataclass
class Outcome:
    """What a caller made of a URL: whether it failed and with which message."""

    failed: bool
    message: str
    kind: str = ""


def harvest_fetch(url: str, allow: tuple[guard.Network, ...], limit: float = 10.0) -> Outcome:
    limits = HarvestLimits(allow=allow, read_timeout=limit, response_deadline=limit, retries=1, backoff=0.01)
    with HarvestClient(limits) as client:
        try:
            client.get(url)
        except HarvestAddressRefused as exc:
            return Outcome(True, exc.message, "refused")
        except SourceError as exc:
            return Outcome(True, exc.message, type(exc).__name__)
    return Outcome(False, "")


def content_fetch(url: str, allow: tuple[guard.Network, ...], limit: float = 10.0) -> Outcome:
    try:
        fetch(url, io.BytesIO(), FetchLimits(max_bytes=1024 * 1024, timeout=limit, allow=allow))
    except FetchError as exc:
        return Outcome(True, exc.message, "refused" if "no es pública" in exc.message else "error")
    return Outcome(False, "")


def link_check(url: str, allow: tuple[guard.Network, ...], limit: float = 10.0) -> Outcome:
    result = links.check_url(url, timeout=limit, max_redirects=3, allow=allow)
    if result.ok:
        return Outcome(False, "")
    kind = "refused" if result.outcome == "private_address" else result.outcome
    return Outcome(True, result.message or "", kind)


CALLERS: dict[str, Callable[..., Outcome]] = {
    "harvest": harvest_fetch,
    "content": content_fetch,
    "links": link_check,
}
OPTION = {
    "harvest": "ckanext.territorio.harvest.allow_networks",
    "content": "ckanext.territorio.policy.fetch_allow",
    "links": "ckanext.territorio.harvest.allow_networks",
}
FORBIDDEN_HOSTS = [
    "127.0.0.1",
    "127.1",
    "0x7f.1",
    "2130706433",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[2002:7f00:1::]",
    "[64:ff9b::7f00:1]",
    "0.0.0.0",
    "169.254.169.254",
    "10.0.0.5",
    "172.16.5.4",
    "192.168.1.10",
    "[fc00::1]",
    "[fe80::1]",
    "localhost",
]


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("host", FORBIDDEN_HOSTS)
def test_a_private_address_is_refused_by_every_caller(site: Site, caller: str, host: str):
    outcome = CALLERS[caller](f"http://{host}:{site.port}/ok", ())
    assert (outcome.failed, outcome.kind) == (True, "refused"), outcome
    assert "no es pública" in outcome.message
    assert OPTION[caller] in outcome.message
    assert site.seen == []  # never dialled


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/ok", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:7f00:2]:{port}/ok"])
def test_a_redirect_from_an_allowed_host_to_a_forbidden_one_is_refused(site: Site, caller: str, target: str):
    outcome = CALLERS[caller](f"{site.base}/redirect?to={target.format(port=site.port)}", LOOPBACK)
    assert (outcome.failed, outcome.kind) == (True, "refused"), outcome
    assert "no es pública" in outcome.message
    assert [path for _method, path in site.seen if not path.startswith("/redirect")] == []


@pytest.mark.parametrize("caller", sorted(CALLERS))
@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "localhost"])
def test_an_allow_listed_network_is_accepted_by_every_caller(site: Site, caller: str, host: str):
    outcome = CALLERS[caller](f"http://{host}:{site.port}/ok", LOOPBACK)
    assert outcome == Outcome(False, "")
    assert [path for _method, path in site.seen] == ["/ok"]


# --- deadlines against a trickling server ----------------------------------------------------


def timed(call: Callable[[], Outcome]) -> tuple[Outcome, float]:
    started = time.monotonic()
    outcome = call()
    return outcome, time.monotonic() - started


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_the_harvest_fetch_stops_a_trickling_server_at_its_deadline(trickler: Callable[..., Trickler], phase: str):
    server = trickler(phase, interval=1.0)
    limits = HarvestLimits(allow=LOOPBACK, read_timeout=2.0, response_deadline=3.0, retries=2, backoff=0.01)
    started = time.monotonic()
    with HarvestClient(limits) as client, pytest.raises(Unreachable, match="la respuesta tardó más de 3 s"):
        client.get(f"{server.base}/datos")
    elapsed = time.monotonic() - started
    assert 3.0 - 0.05 <= elapsed < 3.0 + MARGIN
    assert server.hung_up.wait(5) and not server.finished.is_set()
    assert len(server.requests) == 1  # a deadline is not retried


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_the_content_fetch_stops_a_trickling_server_at_its_timeout(trickler: Callable[..., Trickler], phase: str):
    server = trickler(phase, interval=1.0)
    outcome, elapsed = timed(lambda: content_fetch(f"{server.base}/datos.csv", LOOPBACK, limit=3.0))
    assert outcome.failed and outcome.message == "la respuesta tardó más de 3 s"
    assert 3.0 - 0.05 <= elapsed < 3.0 + MARGIN
    assert server.hung_up.wait(5) and not server.finished.is_set()


@pytest.mark.parametrize(("phase", "refuse_head"), [("headers", False), ("body", True)])
def test_the_link_check_records_a_trickling_server_as_a_timeout(
    trickler: Callable[..., Trickler], phase: str, refuse_head: bool
):
    """HEAD trickling its headers; or HEAD refused and the GET trickling its body."""
    server = trickler(phase, interval=1.0, refuse_head=refuse_head)
    result = links.check_url(f"{server.base}/datos.csv", timeout=2.0, max_redirects=3, allow=LOOPBACK)
    assert (result.ok, result.outcome) == (False, "timeout")
    assert result.message == "el servidor no respondió en 2 s"
    assert result.elapsed_ms is not None and 2000 - 50 <= result.elapsed_ms < 2000 + MARGIN * 1000
    assert server.hung_up.wait(5) and not server.finished.is_set()


def test_a_harvest_source_timeout_gives_each_response_five_times_as_long(trickler: Callable[..., Trickler]):
    from ckanext.territorio_harvesters.sources import limits as source_limits

    limits = source_limits({"timeout": 1})
    assert (limits.read_timeout, limits.response_deadline) == (1.0, 5.0)


# --- the byte cap, mid-stream -------------------------------------------------------------------


def test_the_harvest_byte_cap_holds_without_a_content_length(site: Site):
    limits = HarvestLimits(allow=LOOPBACK, max_response_bytes=1024 * 1024, retries=0)
    with HarvestClient(limits) as client, pytest.raises(TooLarge, match="supera el máximo de 1 MB") as caught:
        client.get(f"{site.base}/stream?bytes={5 * 1024 * 1024}")
    assert caught.value.declared is None
    assert client.usage.bytes == 0  # nothing of the refused page counts as read


def test_the_content_fetch_byte_cap_holds_without_a_content_length(site: Site):
    target = io.BytesIO()
    with pytest.raises(FetchError, match=r"el archivo supera el tamaño máximo \(100000 bytes\)"):
        fetch(f"{site.base}/stream?bytes=500000", target, FetchLimits(max_bytes=100_000, timeout=10.0, allow=LOOPBACK))
    assert len(target.getvalue()) <= 100_000
