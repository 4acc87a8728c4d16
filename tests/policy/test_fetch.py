"""Linked files come from hostile servers: public addresses only, bounded size and time."""
from __future__ import annotations

import io

import pytest

from ckanext.territorio.policy.fetch import FetchError, FetchLimits, fetch, parse_networks

LOCAL = parse_networks(["127.0.0.1"])


def limits(**overrides) -> FetchLimits:
    values = {"max_bytes": 1024 * 1024, "timeout": 10.0, "allow": LOCAL}
    values.update(overrides)
    return FetchLimits(**values)


def test_a_file_is_downloaded_from_an_allow_listed_server(http_server):
    base, root = http_server
    (root / "datos.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    target = io.BytesIO()

    written = fetch(f"{base}/datos.csv", target, limits())

    assert written == 8
    assert target.getvalue() == b"a,b\n1,2\n"


def test_loopback_is_refused_unless_allow_listed(http_server):
    base, root = http_server
    (root / "datos.csv").write_text("a,b\n", encoding="utf-8")

    with pytest.raises(FetchError, match="la dirección 127.0.0.1 de '127.0.0.1' no es pública"):
        fetch(f"{base}/datos.csv", io.BytesIO(), limits(allow=()))


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/datos.csv",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/datos.csv",
        "http://192.168.1.10:8080/x",
    ],
)
def test_private_and_metadata_addresses_are_refused(url):
    with pytest.raises(FetchError, match="no es pública"):
        fetch(url, io.BytesIO(), limits(allow=()))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x.csv", "gopher://x/1"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(FetchError, match="solo se admiten direcciones http"):
        fetch(url, io.BytesIO(), limits())


def test_a_file_over_the_size_limit_is_cut(http_server):
    base, root = http_server
    (root / "grande.csv").write_bytes(b"x" * 5000)

    with pytest.raises(FetchError, match="el archivo declara 5000 bytes, más que el máximo"):
        fetch(f"{base}/grande.csv", io.BytesIO(), limits(max_bytes=1000))


def test_a_missing_file_reports_the_status(http_server):
    base, _ = http_server

    with pytest.raises(FetchError, match="el servidor respondió 404"):
        fetch(f"{base}/no-existe.csv", io.BytesIO(), limits())
