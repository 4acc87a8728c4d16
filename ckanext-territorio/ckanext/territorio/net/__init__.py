"""Outbound HTTP against hostile servers: the one address guard and the one client.

Harvesters, the policy's content downloads and the link checker all go through here, so the
private-address check and the time and size limits exist once. Nothing here imports Flask,
CKAN's action layer, the harvesters or quality; configuration arrives as ``client.Limits``.

- ``guard``: which addresses may be dialled (public only, unless allow-listed);
- ``connection``: urllib3 connections that dial only checked addresses;
- ``deadline``: a per-response time limit enforced while the socket blocks;
- ``client``: timeouts, retries, redirects hop by hop, a byte cap, a User-Agent;
- ``decode``: JSON with msgspec, XML with defusedxml;
- ``errors``: what can go wrong, with Spanish messages.
"""
from __future__ import annotations
