"""The citizen channel's pure rules: status transitions, text cleaning, the personal-data hold."""
from __future__ import annotations

import pytest

from ckanext.territorio.citizen import status, text

ALLOWED = [
    ("abierta", "en-curso"), ("abierta", "publicada"), ("abierta", "rechazada"),
    ("en-curso", "publicada"), ("en-curso", "rechazada"),
]
REFUSED = [("en-curso", "abierta"), ("publicada", "rechazada"), ("rechazada", "publicada")]


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_allowed_transitions(old, new):
    assert status.refusal(old, new, sysadmin=False) is None


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_refused_transitions(old, new):
    assert "No se puede pasar" in (status.refusal(old, new, sysadmin=True) or "")


@pytest.mark.parametrize("old", status.CLOSED)
@pytest.mark.parametrize("new", status.ACTIVE)
def test_only_a_sysadmin_reopens(old, new):
    assert "administrador" in (status.refusal(old, new, sysadmin=False) or "")
    assert status.refusal(old, new, sysadmin=True) is None


def test_unknown_status_and_same_status():
    assert "desconocido" in (status.refusal("abierta", "borrada", sysadmin=True) or "")
    assert status.refusal("en-curso", "en-curso", sysadmin=False) is None


def test_clean_strips_controls_and_keeps_markdown():
    assert text.clean("  **hola**\r\n\x07mundo\u202e\x00 ") == "**hola**\nmundo"
    assert text.clean("a\tb") == "a\tb"


@pytest.mark.parametrize("sample", [
    "Mi RUT es 12.345.678-5, por favor", "escriba a juana.perez@correo.cl", "rut 12345678-5",
])
def test_personal_data_is_found(sample):
    assert text.has_personal_data(sample)


@pytest.mark.parametrize("sample", [
    "Piden datos de 2023 en la comuna 09101", "rut 12.345.678-9 con dígito malo",
    "coordenadas -38.7359876, -72.5904321", "",
])
def test_no_personal_data(sample):
    assert not text.has_personal_data(sample)


def test_urgent_kind():
    assert status.is_urgent("datos-personales")
    assert not status.is_urgent("enlace-roto")
