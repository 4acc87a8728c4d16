"""Spanish text analysis shared by indexing and querying.

The chain mirrors the Solr configset in ``deploy/solr``: lowercase, fold accents
(ASCII folding), drop Spanish stop words, then Lucene's SpanishLightStemmer.
Stemming after folding keeps ``contaminacion``, ``contaminación`` and
``contaminaciones`` on one lexeme, which PostgreSQL's ``spanish`` snowball
configuration does not when accents are removed first.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

_TOKEN_RE = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lowercase and strip diacritics (``Ñuble`` -> ``nuble``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def stopwords() -> frozenset[str]:
    """Folded Spanish stop words."""
    text = resources.files(__package__).joinpath("stopwords_es.txt").read_text("utf-8")
    return frozenset(
        fold(line.strip())
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def light_stem(token: str) -> str:
    """Lucene's SpanishLightStemmer (Savoy) on an already folded token."""
    n = len(token)
    if n < 5:
        return token
    last = token[-1]
    if last in "oae":
        return token[:-1]
    if last == "s":
        if token.endswith("eses"):
            return token[:-2]
        if token.endswith("ces"):
            return token[:-3] + "z"
        if token[-2] in "oae":
            return token[:-2]
    return token


def tokens(text: str) -> list[str]:
    """Folded tokens of ``text``, stop words included, not stemmed."""
    return _TOKEN_RE.findall(fold(text))


def analyze(text: str) -> list[str]:
    """Index/query terms of ``text``: folded, stop words removed, stemmed."""
    stop = stopwords()
    return [light_stem(t) for t in tokens(text) if t not in stop]
