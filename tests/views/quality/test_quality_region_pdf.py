"""/calidad/region/<iso>.pdf: a region's printable report for policy staff, read back as text."""
from __future__ import annotations

import datetime
import io

import ckan.plugins.toolkit as tk
import pytest
from factories import territorial_schemas
from pypdf import PdfReader
from quality_pages import es, percent, share, summary
from views_html import text_of

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckan.locale_default", "es"),
    pytest.mark.usefixtures("scored_catalog"),
]


def report(app, people, iso="CL-AR", who="auditor", status=200):
    headers = people.headers(who) if who else {}
    return app.get(tk.url_for("territorio_quality.region_pdf", iso=iso), headers=headers, status=status)


def pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_region_report_is_an_inline_pdf_named_for_the_region(app, people):
    response = report(app, people)

    assert response.headers["Content-Type"] == "application/pdf"
    today = datetime.date.today().isoformat()
    assert response.headers["Content-Disposition"] == f'inline; filename="calidad-region-cl-ar-{today}.pdf"'
    assert response.data.startswith(b"%PDF-")


def test_region_report_has_its_totals_tables_fixes_date_and_profile(app, people):
    by_comuna = summary(group_by="comuna", include_private=True, region="CL-AR", worst=25)
    by_dimension = summary(group_by="dimension", include_private=True, region="CL-AR")
    total = by_comuna["total"]
    text = pdf_text(report(app, people))

    assert "Calidad de los datos: Región de La Araucanía" in text
    assert f"perfil de evaluación {by_comuna['profile']} {by_comuna['profile_version']}" in text
    assert datetime.date.today().isoformat() in text
    public = summary(group_by="comuna", region="CL-AR")["total"]
    assert public["datasets"] < total["datasets"]  # the catalogue has a private dataset there
    assert (
        f"Conjuntos de datos evaluados {total['datasets']} (privados incluidos); "
        f"{public['datasets']} públicos, los que cuenta el tablero"
    ) in text
    assert f"Puntaje medio {es(total['mean_points'])} de 555" in text
    assert f"Porcentaje medio del máximo {percent(total['mean_percent'])}" in text
    assert f"Vigentes (actualizados según su frecuencia) {share(total['share_fresh'])}" in text
    assert "Asignación del plan Movilidad" in text
    (temuco,) = by_comuna["groups"]
    assert f"Temuco {temuco['datasets']} {percent(temuco['mean_percent'])}" in text
    for group in by_dimension["groups"]:
        assert f"{group['label']} {group['datasets']} {percent(group['mean_percent'])}" in text
    assert "Encontrabilidad" in text and "Interoperabilidad" in text
    for dataset in by_comuna["worst"]:
        assert dataset["title"] in text
    first_fix = " ".join(by_comuna["worst"][0]["fixes"][0]["message"].split())
    assert first_fix[:40] in text


def test_region_report_counts_only_the_regions_datasets(app, people):
    text = pdf_text(report(app, people, iso="CL-RM"))

    assert "Región Metropolitana de Santiago" in text
    assert "Frecuencia de buses en Santiago" in text
    assert "Temuco" not in text


def test_region_codes_in_other_spellings_redirect(app, people):
    response = app.get(
        tk.url_for("territorio_quality.region_pdf", iso="IX"),
        headers=people.headers("auditor"),
        follow_redirects=False,
        status=302,
    )

    assert response.headers["Location"].endswith("/calidad/region/CL-AR.pdf")


def test_unknown_region_is_a_404(app, people):
    assert "No existe la región «CL-XX»." in text_of(report(app, people, iso="CL-XX", status=404).body)


@pytest.mark.parametrize("who", [None, "outsider", "member"])
def test_region_reports_are_for_policy_staff_only(app, people, who):
    response = report(app, people, who=who, status=403)

    assert "Los reportes de calidad por región son para administradores y auditores." in text_of(response.body)
