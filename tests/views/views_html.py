"""Reading pages as a person does: visible text, and the parsed document for selectors."""
from __future__ import annotations

from bs4 import BeautifulSoup


def text_of(html: str) -> str:
    """The page as a person reads it: visible text, whitespace collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return " ".join(soup.get_text(" ").split())


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def page_heading(soup: BeautifulSoup) -> str:
    """The page's own title: the first h1 outside the site header."""
    for heading in soup.select("h1"):
        if heading.find_parent("header") is None:
            return heading.get_text(strip=True)
    raise AssertionError("la página no tiene título h1 propio")
