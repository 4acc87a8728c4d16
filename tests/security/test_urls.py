"""Links are links: dataset and resource URLs limited to web (and, for files, FTP) addresses,
so a stored URL can never run script in a visitor's page."""
from __future__ import annotations

import pytest
from ckan.logic import ValidationError
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action
from factories import TerritorialDataset, territorial_schemas

pytestmark = [
    *territorial_schemas,
    pytest.mark.ckan_config("ckanext.territorio.quality.check_links", False),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues"),
]

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "/etc/passwd",
    "https://",
    "http://exa mple.cl/datos",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_dataset_source_that_is_not_a_web_address_is_refused(url: str):
    with pytest.raises(ValidationError) as refused:
        TerritorialDataset(url=url)

    assert "url" in refused.value.error_dict
    assert "URL" in str(refused.value.error_dict["url"])


@pytest.mark.parametrize("url", HOSTILE)
def test_a_resource_link_that_is_not_a_web_or_ftp_address_is_refused(url: str):
    with pytest.raises(ValidationError) as refused:
        TerritorialDataset(resources=[{"url": url, "format": "CSV", "name": "Datos"}])

    errors = refused.value.error_dict["resources"]
    assert any("url" in (item or {}) for item in errors), errors


def test_web_and_ftp_addresses_are_kept_as_given():
    dataset = TerritorialDataset(
        url="https://www.temuco.cl/datos",
        resources=[
            {"url": " ftp://ftp.temuco.example/mp25.csv ", "format": "CSV", "name": "Por FTP"},
        ],
    )

    shown = call_action("package_show", id=dataset["id"])
    assert shown["url"] == "https://www.temuco.cl/datos"
    assert shown["resources"][0]["url"] == "ftp://ftp.temuco.example/mp25.csv"


def test_an_update_to_a_script_url_leaves_the_dataset_as_it_was():
    dataset = TerritorialDataset(url="https://www.temuco.cl/datos")

    with pytest.raises(ValidationError):
        call_action(
            "package_patch",
            context={"user": ckan_factories.Sysadmin()["name"]},
            id=dataset["id"],
            url="javascript:alert(1)",
        )

    assert call_action("package_show", id=dataset["id"])["url"] == "https://www.temuco.cl/datos"


def test_a_resource_url_that_is_a_json_object_is_refused_not_stored():
    with pytest.raises(ValidationError) as refused:
        TerritorialDataset(resources=[{"url": {"href": "http://x.example"}, "format": "CSV"}])

    assert any("url" in (item or {}) for item in refused.value.error_dict["resources"])
