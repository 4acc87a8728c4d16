"""The portal's translation catalogues: compiled as written, and the Spanish overrides of CKAN's
and ckanext-harvest's texts valid (each replaces a real msgid; no voseo left in the merge)."""
from __future__ import annotations

import gettext
import re
from importlib.resources import files
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

I18N = Path(str(files("ckanext.territorio") / "i18n"))
DOMAIN = "ckanext-territorio"
VOSEO = re.compile(
    r"\b(podés|tenés|querés|hacé|definí|acá|estás|puedes|tienes|quieres|eres|haz|tu|tus)\b",
    re.IGNORECASE,
)


def _po(locale: str):
    with open(I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as handle:
        return read_po(handle)


def _pot(package: str, name: str):
    with open(Path(str(files(package))) / "i18n" / name, "rb") as handle:
        return read_po(handle)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_compiled_catalogue_matches_its_po(locale):
    mo_path = I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with open(mo_path, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    written = {
        _key(m): (m.string if isinstance(m.string, str) else m.string[0])
        for m in _po(locale)
        if m.id and m.string and not m.fuzzy
    }
    compiled_singular = {
        (k if isinstance(k, str) else k[0]): v
        for k, v in compiled.items()
        if k and (isinstance(k, str) or k[1] == 0)
    }
    assert compiled_singular == written, f"recompile {mo_path} (i18n/README.md)"


def test_every_spanish_override_replaces_a_real_msgid():
    known = {
        _key(m)
        for catalogue in (
            _pot("ckan", "ckan.pot"),
            _pot("ckanext.harvest", "ckanext-harvest.pot"),
        )
        for m in catalogue
        if m.id
    }
    known |= {" ".join(msgid.split()) for msgid in known}  # {% trans %} blocks are trimmed
    # "dinámico": a msgid built at run time (_(job.status)); "copia": a text our copy of a
    # template passes through _() where the original does not
    overrides = [
        m for m in _po("es")
        if m.id and not any(c.startswith(("dinámico", "copia")) for c in m.auto_comments)
    ]
    assert overrides
    assert sorted(_key(m) for m in overrides if _key(m) not in known) == []


def test_no_override_is_left_untranslated_or_fuzzy():
    assert [m.id for m in _po("es") if m.id and (not m.string or m.fuzzy)] == []


def test_spanish_site_speaks_usted_after_the_merge():
    with open(Path(str(files("ckan"))) / "i18n" / "es" / "LC_MESSAGES" / "ckan.po", "rb") as handle:
        merged = {m.id: m.string for m in read_po(handle) if m.id and m.string}
    merged.update({m.id: m.string for m in _po("es") if m.id and m.string})
    voseo = sorted(
        str(msgid)[:60]
        for msgid, text in merged.items()
        if VOSEO.search(text if isinstance(text, str) else " ".join(text))
    )
    assert voseo == []
