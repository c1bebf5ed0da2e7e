"""The portal's form fields (issuer/portal/forms.py): what is accepted, normalised, and refused
with which code."""

from __future__ import annotations

import datetime as dt

import pytest

from shahada.portal import forms
from shahada.portal.errors import FormError

TODAY = dt.date(2025, 7, 10)


@pytest.mark.parametrize(("given", "expected"), [("R130045678", "R130045678"), (" r130045678 ", "R130045678"), ("R 130 045 678", "R130045678")])
def test_massar_is_normalised(given: str, expected: str) -> None:
    assert forms.massar(given) == expected


@pytest.mark.parametrize(
    ("given", "code"),
    [("", "form.massar_missing"), ("   ", "form.massar_missing"), (None, "form.massar_missing"), ("R13004567", "form.massar"), ("R1300456789", "form.massar"),
     ("1300456789", "form.massar"), ("RR30045678", "form.massar"), ("R13004567٨", "form.massar"), ("R13004567'", "form.massar")],
)
def test_massar_refusals(given: str | None, code: str) -> None:
    with pytest.raises(FormError) as caught:
        forms.massar(given)
    assert caught.value.code == code and caught.value.field == "massar" and caught.value.http_status == 400


@pytest.mark.parametrize(("given", "expected"), [("2007-03-14", dt.date(2007, 3, 14)), ("14/03/2007", dt.date(2007, 3, 14)), ("4.3.2007", dt.date(2007, 3, 4)), ("2025-07-10", TODAY)])
def test_birth_date_as_a_date_input_or_as_typed(given: str, expected: dt.date) -> None:
    assert forms.birth_date(given, today=TODAY) == expected


@pytest.mark.parametrize(
    ("given", "code"),
    [("", "form.birth_date_missing"), ("2007-02-30", "form.birth_date"), ("31/04/2007", "form.birth_date"), ("14 mars 2007", "form.birth_date"),
     ("2007-03-14T00:00", "form.birth_date"), ("2025-07-11", "form.birth_date_range"), ("1899-12-31", "form.birth_date_range")],
)
def test_birth_date_refusals(given: str, code: str) -> None:
    with pytest.raises(FormError) as caught:
        forms.birth_date(given, today=TODAY)
    assert caught.value.code == code and caught.value.field == "birth_date"


def test_one_time_code() -> None:
    assert forms.one_time_code(" 012 345 ") == "012345"
    for given, code in [("", "form.code_missing"), ("12345", "form.code"), ("1234567", "form.code"), ("12a456", "form.code"), ("١٢٣٤٥٦", "form.code")]:
        with pytest.raises(FormError) as caught:
            forms.one_time_code(given)
        assert caught.value.code == code, given


def test_recipient() -> None:
    assert forms.recipient("  Université de Montréal –\tadmissions ") == "Université de Montréal – admissions"
    assert forms.recipient("جامعة محمد الخامس") == "جامعة محمد الخامس"
    assert forms.recipient("x" * 200) == "x" * 200
    for bad in ["", "   ", "x" * 201, "evil\u202eredro", "nul\x00byte"]:
        with pytest.raises(FormError) as caught:
            forms.recipient(bad)
        assert caught.value.code == "form.recipient", bad


def test_days() -> None:
    assert forms.days("1", longest=180) == 1 and forms.days(" 180 ", longest=180) == 180
    for bad in ["0", "181", "-1", "7.5", "", "٣٠", "1e2"]:
        with pytest.raises(FormError) as caught:
            forms.days(bad, longest=180)
        assert caught.value.code == "form.duration", bad


def test_documents_must_be_the_graduates_own() -> None:
    owned = {"urn:uuid:a", "urn:uuid:b"}
    assert forms.documents(["urn:uuid:b", "urn:uuid:a", "urn:uuid:b"], owned=owned) == ["urn:uuid:b", "urn:uuid:a"]
    for bad in [[], [""], ["urn:uuid:c"], ["urn:uuid:a", "urn:uuid:c"]]:
        with pytest.raises(FormError) as caught:
            forms.documents(bad, owned=owned)
        assert caught.value.code == "form.documents", bad
