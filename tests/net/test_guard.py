"""The address policy: what may be dialled, in every spelling (plain Python, no network)."""
from __future__ import annotations

import pytest

from ckanext.territorio.net import guard
from ckanext.territorio.net.errors import AddressRefused

REFUSED = [
    ("127.0.0.1", "de bucle local"),
    ("127.255.0.9", "de bucle local"),
    ("::1", "de bucle local"),
    ("::ffff:127.0.0.1", "de bucle local, escrita como IPv6"),
    ("::ffff:7f00:1", "de bucle local, escrita como IPv6"),
    ("::7f00:1", "de bucle local, escrita como IPv6"),  # IPv4-compatible
    ("2002:7f00:1::", "de bucle local, escrita como IPv6"),  # 6to4
    ("64:ff9b::a00:1", "privada, escrita como IPv6"),  # NAT64 of 10.0.0.1
    ("64:ff9b:1::c0a8:1", "privada, escrita como IPv6"),  # local-use NAT64 of 192.168.0.1
    ("0.0.0.0", "no especificada"),
    ("::", "no especificada"),
    ("169.254.169.254", "metadatos de la nube"),
    ("::ffff:169.254.169.254", "metadatos de la nube"),
    ("fd00:ec2::254", "metadatos de la nube"),
    ("100.100.100.200", "metadatos de la nube"),
    ("169.254.10.1", "de enlace local"),
    ("fe80::1", "de enlace local"),
    ("10.1.2.3", "privada"),
    ("172.16.5.4", "privada"),
    ("172.31.255.254", "privada"),
    ("192.168.0.10", "privada"),
    ("fc00::1", "local única"),
    ("fd12:3456::1", "local única"),
    ("100.64.0.1", "compartida (CGNAT)"),
    ("224.0.0.1", "de multidifusión"),
    ("ff02::1", "de multidifusión"),
    ("240.0.0.1", "reservada"),
    ("::808:808", "IPv4 compatible obsoleta"),
]


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_non_public_addresses_are_refused_with_their_kind(address: str, kind: str):
    assert guard.refusal(address) == kind
    assert not guard.is_allowed(address)


@pytest.mark.parametrize("address", ["200.1.2.3", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::"])
def test_public_addresses_are_allowed(address: str):
    assert guard.is_allowed(address)


def test_172_outside_the_private_range_is_public():
    assert guard.is_allowed("172.32.0.1")


def test_an_allow_listed_network_opens_its_addresses_in_every_spelling():
    allow = guard.parse_networks(["127.0.0.1", "10.20.0.0/16"])
    for address in ("127.0.0.1", "::ffff:127.0.0.1", "::ffff:7f00:1", "10.20.0.5", "64:ff9b::a14:5"):
        assert guard.is_allowed(address, allow), address
    assert not guard.is_allowed("127.0.0.2", allow)
    assert not guard.is_allowed("10.21.0.5", allow)


def test_a_range_never_opens_cloud_metadata_only_naming_it_does():
    assert guard.refusal("169.254.169.254", guard.parse_networks(["169.254.0.0/16"])) == "metadatos de la nube"
    assert guard.is_allowed("169.254.10.1", guard.parse_networks(["169.254.0.0/16"]))
    assert guard.is_allowed("169.254.169.254", guard.parse_networks(["169.254.169.254"]))


def test_a_zone_index_does_not_hide_a_link_local_address():
    assert guard.refusal("fe80::1%eth0") == "de enlace local"


def test_a_bad_allow_list_entry_is_an_error():
    with pytest.raises(ValueError):
        guard.parse_networks(["127.0.0.1", "no-es-una-red"])


def test_a_name_resolving_to_loopback_is_refused_naming_the_option():
    with pytest.raises(AddressRefused) as caught:
        guard.checked_addresses("localhost", 80, (), "ckanext.territorio.harvest.allow_networks")
    message = caught.value.message
    assert "de 'localhost' no es pública (de bucle local)" in message
    assert "ckanext.territorio.harvest.allow_networks" in message


@pytest.mark.parametrize("spelling", ["127.1", "0x7f.1", "2130706433", "017700000001"])
def test_legacy_ipv4_spellings_resolve_to_loopback_and_are_refused(spelling: str):
    with pytest.raises(AddressRefused, match="la dirección 127.0.0.1 de .* no es pública"):
        guard.checked_addresses(spelling, 80)
