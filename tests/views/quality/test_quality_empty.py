"""The quality pages before anything is scored: they say so instead of drawing empty charts."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from factories import territorial_schemas
from views_html import soup_of, text_of

pytestmark = [*territorial_schemas, pytest.mark.ckan_config("ckan.locale_default", "es")]


def test_dashboard_without_scores(app, people):
    html = app.get(tk.url_for("territorio_quality.dashboard"), headers=people.headers("auditor")).body

    assert "Ningún conjunto de datos evaluado cumple estos filtros." in text_of(html)
    assert soup_of(html).select("svg") == []


def test_report_card_without_datasets(app, people):
    factories.Organization(name="municipalidad-de-temuco", title="Municipalidad de Temuco")
    html = app.get(
        tk.url_for("territorio_quality.organization", name="municipalidad-de-temuco"),
        headers=people.headers("auditor"),
    ).body

    assert "La organización aún no tiene conjuntos de datos evaluados." in text_of(html)


def test_scoreboard_without_scores(app, people):
    soup = soup_of(app.get(tk.url_for("territorio_scoreboard.index")).body)

    assert "Aún no hay comunas con conjuntos de datos públicos evaluados." in text_of(str(soup))
    qualities = {td.get_text(strip=True) for td in soup.select('table[data-table="regiones"] td[data-col="mean_percent"]')}
    assert qualities == {"–"}
