"""The catalogue (issuer/portal/i18n.py): every text the templates and views ask for exists in
Arabic, French and English, and every refusal code of the portal has its sentence."""

from __future__ import annotations

import re
from pathlib import Path

import shahada.portal
from shahada.portal.i18n import CATALOGUE, text

PACKAGE = Path(shahada.portal.__file__).parent
INTENTIONALLY_EMPTY = {("docs.french_values", "ar"), ("docs.french_values", "fr")}


def test_every_entry_has_three_languages() -> None:
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"ar", "fr", "en"}, key
        for lang, value in entry.items():
            assert value or (key, lang) in INTENTIONALLY_EMPTY, (key, lang)
        if entry["ar"]:
            assert re.search(r"[\u0600-\u06FF]", entry["ar"]), key  # Arabic is written in Arabic
        placeholders = {lang: set(re.findall(r"\{(\w+)\}", value)) for lang, value in entry.items() if value}
        assert len({frozenset(p) for p in placeholders.values()}) == 1, key


def test_every_key_the_templates_use_is_in_the_catalogue() -> None:
    used = set()
    for template in (PACKAGE / "templates").glob("*.html"):
        used |= set(re.findall(r"t\('([\w.]+)'", template.read_text(encoding="utf-8")))
    prefixes = {k for k in used if k.endswith(".")}  # t('kind.' ~ d.kind) and the like
    assert used - prefixes <= set(CATALOGUE), sorted(used - prefixes - set(CATALOGUE))
    for prefix, values in {"kind.": ["diploma", "transcript"], "status.": ["valid", "revoked", "suspended"], "state.": ["active", "expired", "revoked"],
                           }.items():
        assert all(prefix + v in CATALOGUE for v in values), prefix
    # the access log's sentences (share_views._access_words): one for each channel and outcome
    assert all(f"access.{channel}.{outcome}" in CATALOGUE for channel in ("api", "browser") for outcome in ("served", "expired", "revoked"))


def test_every_refusal_code_has_its_sentence() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py"))
    codes = set(re.findall(r'code="((?:form|signin|rate|share|document|delivery|link|wallet|invitation)\.\w+)"', source))
    assert len(codes) > 20
    assert {c for c in codes if f"error.{c}" not in CATALOGUE} == set()


def test_placeholders_are_filled() -> None:
    assert text("error.rate.limited", "ar", minutes=15) == "محاولات كثيرة. أعد المحاولة بعد 15 دقيقة."
    assert text("days.few", "ar", n=7) == "7 أيام" and text("days.n", "fr", n=30) == "30 jours"
    assert text("no.such.key", "fr") == "no.such.key"
