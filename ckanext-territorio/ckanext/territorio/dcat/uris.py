"""URIs of the framework's concepts: one per dimension, sub-dimension, region, comuna and record type."""
from __future__ import annotations

from typing import NamedTuple

from .. import config

KINDS = ("dimension", "subdimension", "region", "comuna", "tipo")


class Concept(NamedTuple):
    """A framework concept named by a URI: its kind and its slug or code."""

    kind: str
    value: str


class FrameworkURIs:
    """`{base}/dimension/movilidad`, `{base}/region/CL-AR`, `{base}/comuna/09101` ..."""

    def __init__(self, base: str | None = None) -> None:
        self.base = (base if base is not None else config.framework_uri()).rstrip("/")

    @property
    def scheme(self) -> str:
        """The concept scheme of dimensions and sub-dimensions."""
        return self.base

    @property
    def territories_scheme(self) -> str:
        """The concept scheme of the country, its regions and comunas."""
        return f"{self.base}/territorios"

    @property
    def types_scheme(self) -> str:
        """The concept scheme of the portal's record types (dct:type of an initiative)."""
        return f"{self.base}/tipos"

    def concept(self, kind: str, value: str) -> str:
        """The URI of a concept of this kind."""
        return f"{self.base}/{kind}/{value}"

    def dimension(self, slug: str) -> str:
        """The URI of a dimension."""
        return self.concept("dimension", slug)

    def subdimension(self, slug: str) -> str:
        """The URI of a sub-dimension."""
        return self.concept("subdimension", slug)

    def region(self, code: str) -> str:
        """The URI of a region."""
        return self.concept("region", code)

    def comuna(self, cut: str) -> str:
        """The URI of a comuna (by CUT code)."""
        return self.concept("comuna", cut)

    def record_type(self, slug: str) -> str:
        """The URI of a record type (``iniciativa``), the dct:type of such records."""
        return self.concept("tipo", slug)

    def parse(self, uri: str) -> Concept | None:
        """The concept `uri` names, or None when it is not one of ours."""
        prefix = self.base + "/"
        if not uri.startswith(prefix):
            return None
        kind, _, value = uri[len(prefix):].partition("/")
        if kind not in KINDS or not value or "/" in value:
            return None
        return Concept(kind, value)
