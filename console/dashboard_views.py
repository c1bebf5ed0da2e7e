"""The dashboard (counts per academy and per day, as SVG charts; results day), the audit trail
and the accounts."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from flask import Blueprint, request
from markupsafe import Markup
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Response

from shahada.console.charts import bars, daily_counts, latest_session, meter
from shahada.console.i18n import has, text
from shahada.console.roles import ROLES, academy_scope
from shahada.console.settings import Language
from shahada.console.traffic import OUTCOMES, SHARE_OUTCOMES, verification_traffic
from shahada.console.web import back, console, page, reader_language, require_actor
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.publication import open_results, opened_sessions
from shahada.issuer.session_report import session_status
from shahada.verifier.web.i18n import has as verifier_has
from shahada.verifier.web.i18n import text as verifier_text

bp = Blueprint("dashboard", __name__)
DASH_STATES = ("issued", "printed", "delivered", "revoked")
AUDIT_PAGE = 200


@bp.get("/")
def index() -> Response:
    who = require_actor()
    c = console()
    archive = c.workflow.ministry.archive
    chosen = request.args.get("year", "")
    year = int(chosen) if chosen.isdigit() and 2000 <= int(chosen) <= 2100 else latest_session(archive.engine) or c.now().year
    scope = academy_scope(who)
    status = session_status(archive, year, academy=scope)
    lang = reader_language()
    labels = {s: text(f"state.{s}", lang) for s in DASH_STATES}
    academies = sorted({a for _, a in status.rows})
    table = {a: {s: sum(v[s] for (k, aa), v in status.rows.items() if aa == a) for s in DASH_STATES} for a in academies}
    by_academy = bars(academies, {s: [table[a][s] for a in academies] for s in DASH_STATES}, labels=labels, title=text("dash.by_academy", lang), rtl=lang == "ar") if academies else ""
    daily = daily_counts(archive.engine, year, academy=scope)
    days = sorted(set(itertools.chain.from_iterable(d.keys() for d in daily.values())))[-31:]
    by_day = bars([d.strftime("%d/%m") for d in days], {k: [daily[k].get(d, 0) for d in days] for k in daily}, labels=labels, title=text("dash.by_day", lang), rtl=lang == "ar") if days else ""
    return page(
        "dashboard.html", year=year, table=table, states=DASH_STATES, by_academy=Markup(by_academy), by_day=Markup(by_day),
        opened=opened_sessions(archive.engine).get(year),
        traffic=_traffic(archive.engine, c.now().date(), lang) if scope is None else None,  # national figures: not an academy's
    )


def _traffic(engine: Engine, today: dt.date, lang: Language) -> dict[str, Any]:
    """The verification traffic section: its charts and tables over the last 31 days."""
    found = verification_traffic(engine, today=today)
    rtl = lang == "ar"
    labels = {o: text(f"traffic.{o}", lang) for o in (*OUTCOMES, *SHARE_OUTCOMES)}
    days = found.days()
    per_day = bars([d.strftime("%d/%m") for d in days], {o: [found.by_day[o].get(d, 0) for d in days] for o in OUTCOMES}, labels=labels,
                   title=text("traffic.by_day", lang), rtl=rtl, stacked=True) if days else ""
    ranked = sorted(found.failures.items(), key=lambda item: (-item[1], item[0]))
    peak = ranked[0][1] if ranked else 0
    share_days = found.share_days()
    shares = bars([d.strftime("%d/%m") for d in share_days], {o: [found.shares[o].get(d, 0) for d in share_days] for o in SHARE_OUTCOMES},
                  labels=labels, title=text("traffic.shares", lang), rtl=rtl, stacked=True) if share_days else ""
    return {
        "total": found.total, "since": found.since, "per_day": Markup(per_day), "shares": Markup(shares),
        "outcomes": [o for o in OUTCOMES if found.by_day[o]], "kinds": found.kinds.most_common(),
        "reasons": [(code, _reason(code, lang), n, Markup(meter(n, peak, label=code, rtl=rtl))) for code, n in ranked],
        "share_total": sum(sum(v.values()) for v in found.shares.values()),
    }


def _reason(code: str, lang: Language) -> str:
    """A failure code in words, as the verifier's pages say it, else the console's own words ("" when
    neither has any: the code is shown beside)."""
    if verifier_has(f"code.{code}"):
        return verifier_text(f"code.{code}", lang)
    return text(f"reason.{code}", lang) if has(f"reason.{code}") else ""


@bp.post("/results/<int:year>")
def results(year: int) -> Response:
    who = require_actor("results_day")
    open_results(console().workflow.engine, year, operator=who.name, at=console().now())
    return back("dashboard.index", year=year)


@bp.get("/audit")
def audit() -> Response:
    require_actor("audit")
    log = AuditLog(console().workflow.engine)
    entries = list(log.entries())
    return page("audit.html", entries=entries[::-1][:AUDIT_PAGE], total=len(entries), intact=not log.verify_chain())


@bp.get("/accounts")
def accounts() -> Response:
    require_actor("accounts")
    return page("accounts.html", accounts=console().accounts.all(), roles=ROLES, academies=sorted(console().workflow.ministry.academies))


@bp.post("/accounts")
def create_account() -> Response:
    who = require_actor("accounts")
    c = console()
    form = request.form
    academy = form.get("academy", "").strip().upper()[:8] or None
    created = c.accounts.create(
        form.get("name", "")[:64], form.get("role", "")[:32], form.get("password", "")[:1024], academy=academy, by=who.name, now=c.now(),
        academies=c.workflow.ministry.academies,
    )
    return page("accounts.html", accounts=c.accounts.all(), created=created, roles=ROLES, academies=sorted(c.workflow.ministry.academies))


@bp.post("/accounts/<name>")
def account(name: str) -> Response:
    who = require_actor("accounts")
    console().accounts.set_disabled(name[:64], request.form.get("disabled") == "1", by=who.name, now=console().now())
    return back("dashboard.accounts")
