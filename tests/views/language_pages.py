"""What the language test reads: every page of ours and ckanext-harvest's, the text a person
sees or hears on it, and the words that betray the other language."""
from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup

# Words that on a page of the Spanish site can only be English (whole words, case-sensitive
# where Spanish shares the word in another case), and the other way round.
ENGLISH = re.compile(
    r"\b(the|The|and|with|your|You|you|found|Search|search|Show more|Show less|Add|Edit|"
    r"Delete|View|Views|Dataset|Datasets|dataset|datasets|Organization|Organizations|"
    r"Harvest|harvest|Harvests|harvests|Jobs|Source|Sources|License|Licence|Download|"
    r"Filter|Filters|Sort by|Order by|Home|Log in|Login|Register|Groups|Resources|"
    r"Explore|More information|Preview|active|draft|deleted|Created|Last Modified|"
    r"Followers|Activity Stream|Manage|Update|Save|Cancel|Remove|Clear|Details|Jobs)\b"
)
SPANISH = re.compile(
    r"\b(Conjuntos?|conjuntos?|Buscar|buscar|Búsqueda|región|regiones|Regiones|"
    r"Organizaciones|Organización|Iniciativas?|iniciativas?|dimensión|Dimensiones|"
    r"de los|de las|para|está|más|página|Página|Acerca|Iniciar|Agregar|Editar|Eliminar|"
    r"fuente|recolección|Calidad|calidad|Tablero|Matriz|datos|Datos|Descargar|Ver|"
    r"encontrad[oa]s?|Mostrar|Ordenar|Licencia|Recursos?|Guardar|Cancelar)\b"
)
TELLTALES = {"es": ENGLISH, "en": SPANISH}

# Attributes a person reads or hears (placeholders, screen-reader labels, tooltips, images).
SPOKEN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")


def spoken_text(html: str, lang: str) -> str:
    """Visible text and spoken attributes, without scripts, styles and parts marked as another
    language (``lang="es"`` quotes of the plan on the English site, the language menu)."""
    soup = BeautifulSoup(html, "html.parser")
    # code is code (the developer guide's examples), not a sentence in either language
    for hidden in soup(["script", "style", "template", "noscript", "pre", "code"]):
        hidden.decompose()
    for other in soup.select("[lang]"):
        if other.name != "html" and not str(other["lang"]).lower().startswith(lang):
            other.decompose()
    body = soup.body or soup
    parts = [body.get_text(" ")]
    for element in body.find_all(True):
        for attribute in SPOKEN_ATTRIBUTES:
            if element.get(attribute) and not (lang == "en" and str(element[attribute]).startswith("«")):
                parts.append(str(element[attribute]))
        if element.name == "input" and element.get("type") in ("submit", "button"):
            parts.append(str(element.get("value") or ""))
    title = soup.title.get_text(" ") if soup.title else ""
    return " ".join(" ".join([title, *parts]).split())


def other_language(text: str, lang: str, allowed: Iterable[str]) -> list[str]:
    """The tell-tale words of the other language left once the allowed names are removed,
    each with a little of its context."""
    for name in sorted({a for a in allowed if a}, key=len, reverse=True):
        text = text.replace(name, " ")
    # addresses, paths and e-mails ("/dataset/", "datos@municipio.cl") are not sentences
    text = re.sub(r"\S*[/@]\S*", " ", text)
    # «…» quotes the plan, a Spanish document: a quotation, also inside an English sentence
    if lang == "en":
        text = re.sub(r"«[^»]*»", " ", text)
    found = []
    for match in TELLTALES[lang].finditer(text):
        start, end = max(0, match.start() - 40), match.end() + 40
        found.append(f"«{match.group(0)}» in …{text[start:end]}…")
    return found
