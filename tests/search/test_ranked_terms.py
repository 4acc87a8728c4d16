"""One-word searches read from the stored word scores give the rows and order of full ranking.

The reference ranks every match with ``ts_rank`` over the whole table, as the
engine did before ``search.terms``; every word of a seeded catalogue (titles,
notes, tags, resources, with repeated texts so that scores tie) is searched
page by page and compared, and again after edits and a deletion.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.territorio.search import analysis

STOCK_SCHEMA = "ckanext.scheming:ckan_dataset.yaml"
pytestmark = pytest.mark.ckan_config("scheming.dataset_schemas", STOCK_SCHEMA)

TITLES = [
    "Calidad del aire en Temuco", "Registros de calidad del aire", "Residuos domiciliarios",
    "Registros administrativos de residuos", "Datos de ciclovías", "Calidad del aire en Temuco",
    "Sensores de ruido", "Datos abiertos de sensores", "Presupuesto municipal",
]
NOTES = [
    "Registros horarios de sensores instalados en la comuna.",
    "Datos publicados por la municipalidad; registros validados.",
    "Incluye la ubicación de cada registro. Registros consolidados.",
    "Mediciones de calidad del aire y de ruido.",
    "",
]
TAGS = [["aire", "salud"], ["residuos"], ["datos-abiertos", "sensores"], ["movilidad"], []]
REFERENCE = sa.text(
    "SELECT name FROM territorio_search_doc "
    "WHERE search_vector @@ CAST(:lexeme AS tsquery) AND state = 'active' "
    "ORDER BY ts_rank('{0.1, 0.25, 0.5, 1.0}'::real[], search_vector, CAST(:lexeme AS tsquery), 1) "
    "DESC, metadata_modified DESC, index_id LIMIT :rows OFFSET :start"
)


@pytest.fixture
def catalogue(clean_db, clean_index):
    org = factories.Organization(name="muni-temuco", title="Municipalidad de Temuco")
    admin = factories.Sysadmin(name="administradora")
    for i in range(27):
        factories.Dataset(
            name=f"conjunto-{i:02d}", title=TITLES[i % len(TITLES)], notes=NOTES[i % len(NOTES)],
            owner_org=org["id"], tags=[{"name": t} for t in TAGS[i % len(TAGS)]],
            resources=[{"url": f"http://example.org/{i}", "name": f"Registros {i % 4}", "format": "CSV"}],
        )
    return {"user": admin["name"]}


def words() -> list[str]:
    """A word for each lexeme the catalogue's texts analyse to on their own."""
    text = " ".join(TITLES + NOTES + [t for tags in TAGS for t in tags] + ["Registros"])
    by_lexeme: dict[str, str] = {}
    for word in re.findall(r"\w+", text):
        lexemes = analysis.analyze(word)
        if len(lexemes) == 1:
            by_lexeme.setdefault(lexemes[0], word)
    return sorted(by_lexeme.values())


def searched(word: str, start: int, rows: int, statements: list[str] | None = None) -> list[str]:
    def record(conn, cursor, statement, *args):
        if statements is not None:
            statements.append(statement)

    engine = model.Session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        result = call_action("package_search", q=word, start=start, rows=rows)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return [d["name"] for d in result["results"]]


def reference(word: str, start: int, rows: int) -> list[str]:
    (lexeme,) = analysis.analyze(word)
    values = {"lexeme": f"'{lexeme}'", "rows": rows, "start": start}
    return list(model.Session.execute(REFERENCE, values).scalars())


def assert_same_as_full_ranking() -> int:
    compared = 0
    for word in words():
        for start, rows in ((0, 5), (3, 7), (10, 20)):
            assert searched(word, start, rows) == reference(word, start, rows), (word, start)
            compared += 1
    return compared


@pytest.mark.usefixtures("with_plugins")
class TestStoredWordScores:
    def test_every_word_pages_as_full_ranking_does(self, catalogue):
        assert assert_same_as_full_ranking() >= 60

    def test_one_word_search_reads_the_stored_scores(self, catalogue):
        statements: list[str] = []
        assert searched("registros", 0, 5, statements) == reference("registros", 0, 5)
        assert any("territorio_search_term" in s for s in statements)

    def test_order_follows_edits_and_deletions(self, catalogue):
        call_action("package_patch", context=dict(catalogue), id="conjunto-05",
                    title="Registros registros registros")
        call_action("package_patch", context=dict(catalogue), id="conjunto-02", notes="", tags=[])
        call_action("package_delete", context=dict(catalogue), id="conjunto-01")
        assert searched("registros", 0, 3)[0] == "conjunto-05"
        assert "conjunto-01" not in searched("registros", 0, 100)
        assert assert_same_as_full_ranking() >= 60

    def test_several_words_and_phrases_rank_every_match(self, catalogue):
        statements: list[str] = []
        searched("calidad aire", 0, 5, statements)
        searched('"calidad del aire"', 0, 5, statements)
        searched("regist*", 0, 5, statements)
        assert not any("territorio_search_term" in s for s in statements)
