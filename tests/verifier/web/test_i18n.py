"""verifier/web/i18n.py: language negotiation and a complete catalogue in three languages."""

from __future__ import annotations

import pytest

from shahada.verifier.web.i18n import CATALOGUE, direction, negotiate, text


@pytest.mark.parametrize(
    ("param", "cookie", "accepted", "expected"),
    [
        (None, None, [("ar-MA", 1.0), ("fr", 0.8)], "ar"),
        (None, None, [("de", 1.0), ("en-GB", 0.5)], "en"),
        (None, None, [("fr", 0.2), ("en", 0.9)], "en"),
        (None, None, [("ar", 0)], "fr"),
        (None, None, [], "fr"),
        (None, "en", [("ar", 1.0)], "en"),
        ("ar", "en", [("fr", 1.0)], "ar"),
        ("xx", "zz", [("en", 1.0)], "en"),
    ],
)
def test_negotiate(param: str | None, cookie: str | None, accepted: list[tuple[str, float]], expected: str) -> None:
    assert negotiate(param=param, cookie=cookie, accepted=accepted, default="fr") == expected


def test_every_entry_has_three_languages() -> None:
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"ar", "fr", "en"}, key
        if key != "result.content.french":
            assert all(entry[lang] for lang in ("ar", "fr", "en")), key


def test_text_and_direction() -> None:
    assert text("verdict.valid", "ar") == "صالحة" and text("no.such.key", "en") == "no.such.key"
    assert (direction("ar"), direction("fr"), direction("en")) == ("rtl", "ltr", "ltr")
