"""Verification traffic on the dashboard: the counts the public verifier writes to the archive
(``verification_counts``, through the same batched sink) and the portal's share-link accesses, as
SVG charts and tables for the national roles; an academy operator does not see these national
figures."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy.orm import Session

from shahada.console.charts import meter
from shahada.console.traffic import verification_traffic
from shahada.portal.store import ShareAccessRow, ShareRow
from shahada.verifier.traffic import Traffic, database_sink
from tests.console.conftest import NOW, Setup


def record_traffic(setup: Setup) -> None:
    today = NOW.date()
    days = {"old": today - dt.timedelta(days=40), "yesterday": today - dt.timedelta(days=1), "today": today}
    for when, day in days.items():
        traffic = Traffic(sink=database_sink(setup.archive.engine), today=lambda day=day: day, interval=3600)  # type: ignore[misc]
        for _ in range(3 if when != "old" else 50):
            traffic.record("seal", "valid")
        traffic.record("pdf", "error", "scan.no_code")
        traffic.record("credential", "invalid", "signature.invalid")
        traffic.record("lookup", "unknown")
        traffic.close()
    with Session(setup.archive.engine) as session, session.begin():
        share = ShareRow(token_sha256="0" * 64, massar="C273878287", recipient="Université", credential_ids="[]", created_at=NOW, expires_at=NOW)
        session.add(share)
        session.flush()
        for outcome in ("served", "served", "expired"):
            session.add(ShareAccessRow(share_id=share.id, at=NOW, outcome=outcome, channel="browser", client="127.0.0.0/24", user_agent=""))


def test_the_last_31_days_are_read_by_day_outcome_code_and_kind(setup: Setup) -> None:
    record_traffic(setup)
    found = verification_traffic(setup.archive.engine, today=NOW.date())
    assert found.total == 2 * 6  # the day 40 days ago is left out
    assert found.by_day["valid"] == {NOW.date() - dt.timedelta(days=1): 3, NOW.date(): 3}
    assert sum(found.by_day["invalid"].values()) == 4  # look-ups of an unknown number included
    assert found.failures == {"scan.no_code": 2, "signature.invalid": 2}
    assert found.kinds == {"seal": 6, "pdf": 2, "credential": 2, "lookup": 2}
    assert found.shares == {"served": {NOW.date(): 2}, "refused": {NOW.date(): 1}}


def test_the_dashboard_shows_verifications_failures_and_share_use(setup: Setup) -> None:
    record_traffic(setup)
    for lang, words in (("fr", "Échecs par motif"), ("ar", "أسباب الإخفاق")):
        aya = setup.client(setup.account(f"aya{lang}", "approver"), lang=lang)
        page = aya.get("/").get_data(as_text=True)
        assert 'data-total="12"' in page and words in page
        assert 'data-chart="verifications"' in page and 'data-table="failures"' in page and 'data-chart="shares"' in page
        assert re.findall(r'<tr data-code="([a-z._]+)">', page) == ["scan.no_code", "signature.invalid"]
        assert re.search(r'<tr data-kind="seal"><th>[^<]+</th><td class="num">6</td>', page)
        assert "style=" not in page
    amina = setup.client(setup.account("amina", "academy_operator", "CS"))
    assert 'data-section="traffic"' not in amina.get("/").get_data(as_text=True)


def test_an_empty_archive_says_so(setup: Setup) -> None:
    aya = setup.client(setup.account("aya", "approver"))
    page = aya.get("/").get_data(as_text=True)
    assert 'data-section="traffic"' in page and 'data-total="0"' in page and 'data-shares="0"' in page


def test_a_meter_grows_from_the_reading_side() -> None:
    ltr, rtl = meter(2, 4, label="scan.no_code"), meter(2, 4, label="scan.no_code", rtl=True)
    assert '<rect x="0.0" y="0" width="50.0"' in ltr and '<rect x="50.0" y="0" width="50.0"' in rtl
    assert "<title>scan.no_code: 2</title>" in ltr and "style=" not in ltr + rtl
