"""A session's PVs: upload, validation report (filterable, downloadable as CSV), summary,
submission, approval by a second person, issuance in the background with its progress, and the
print batches per academy."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from flask import Blueprint, abort, jsonify, request, send_file
from werkzeug.wrappers import Response

from shahada.console.errors import FormError
from shahada.console.roles import require
from shahada.console.web import back, console, page, require_actor

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
REPORT_COLUMNS = ("row", "column", "code", "message")


def _year(text: str | None) -> int:
    try:
        year = int(text or "")
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise FormError("a session's year, e.g. 2025", code="form.year")
    return year


@bp.get("/")
def index() -> Response:
    who = require_actor()
    return page("sessions.html", submissions=console().workflow.submissions(who), year=console().now().year)


@bp.post("/upload")
def upload() -> Response:
    who = require_actor("upload")
    file = request.files.get("pv")
    data = file.read() if file is not None else b""
    submission_id = console().workflow.upload(who, _year(request.form.get("year")), file.filename or "pv.csv" if file else "pv.csv", data)
    return back("sessions.show", submission_id=submission_id)


def _problems(report: dict[str, object], wanted: str) -> list[list[object]]:
    problems = report.get("problems") or []
    assert isinstance(problems, list)
    wanted = wanted.strip().lower()
    return [p for p in problems if not wanted or any(wanted in str(v).lower() for v in p[1:3])]


@bp.get("/<int:submission_id>")
def show(submission_id: int) -> Response:
    who = require_actor()
    c = console()
    row = c.workflow.submission(who, submission_id)
    report = json.loads(row.report)
    wanted = request.args.get("filter", "")[:64]
    job = c.jobs.get(f"issue/{submission_id}")
    return page(
        "submission.html", sub=row, report=report, problems=_problems(report, wanted), filter=wanted, job=job.to_dict() if job else None,
        running=c.jobs.running(f"issue/{submission_id}"),
    )


@bp.get("/<int:submission_id>/report.csv")
def report_csv(submission_id: int) -> Response:
    who = require_actor()
    row = console().workflow.submission(who, submission_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for problem in _problems(json.loads(row.report), request.args.get("filter", "")[:64]):
        writer.writerow(["" if v is None else v for v in problem])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="report-{submission_id}.csv"'
    return response


@bp.get("/<int:submission_id>/progress.json")
def progress(submission_id: int) -> Response:
    who = require_actor()
    row = console().workflow.submission(who, submission_id)
    job = console().jobs.get(f"issue/{submission_id}")
    return jsonify({"state": row.state, "done": row.done, "total": row.total, "error": row.error, **(job.to_dict() if job else {})})


@bp.post("/<int:submission_id>/submit")
def submit(submission_id: int) -> Response:
    console().workflow.submit(require_actor("upload"), submission_id)
    return back("sessions.show", submission_id=submission_id)


@bp.post("/<int:submission_id>/approve")
def approve(submission_id: int) -> Response:
    who = require_actor("approve")
    c = console()
    row = c.workflow.approve(who, submission_id)
    c.jobs.issue(row.id, pv=Path(row.path), year=row.session_year, operator=f"{row.uploaded_by}+{who.name}")
    return back("sessions.show", submission_id=submission_id)


@bp.post("/<int:submission_id>/resume")
def resume(submission_id: int) -> Response:
    who = require_actor("approve")
    c = console()
    if not c.jobs.running(f"issue/{submission_id}"):
        row = c.workflow.resume(who, submission_id)
        c.jobs.issue(row.id, pv=Path(row.path), year=row.session_year, operator=f"{row.uploaded_by}+{row.approved_by or who.name}")
    return back("sessions.show", submission_id=submission_id)


@bp.post("/<int:submission_id>/reject")
def reject(submission_id: int) -> Response:
    console().workflow.reject(require_actor("approve"), submission_id)
    return back("sessions.show", submission_id=submission_id)


# --- print batches ---------------------------------------------------------------------------------


def _print_dir(year: int, academy: str) -> Path:
    return console().settings.work_dir / "print" / str(year) / academy


@bp.get("/print/<int:year>")
def prints(year: int) -> Response:
    who = require_actor("download")
    c = console()
    academies = sorted(a for a in c.workflow.ministry.academies if who.academy in (None, a))
    rows = []
    for academy in academies:
        job = c.jobs.get(f"print/{year}/{academy}")
        ready = any(_print_dir(year, academy).glob("print-index-*.csv"))
        rows.append((academy, job.to_dict() if job else None, ready))
    counts = c.workflow.ministry.archive
    issued = {a: counts.count(status="issued", session_year=year, academy=a) for a in academies}
    return page("prints.html", year=year, rows=[r for r in rows if issued[r[0]]], issued=issued,
                running=any(c.jobs.running(f"print/{year}/{a}") for a in academies))


@bp.post("/print/<int:year>/<academy>")
def print_run(year: int, academy: str) -> Response:
    who = require_actor("print")
    if academy not in console().workflow.ministry.academies:
        abort(404)
    require(who, "print", academy=academy)
    console().jobs.print_batch(year, academy, _print_dir(year, academy))
    console().workflow.record(who, "console.print.run", f"{year}/{academy}")
    return back("sessions.prints", year=year)


@bp.get("/print/<int:year>/<academy>.zip")
def print_download(year: int, academy: str) -> Response:
    who = require_actor("download")
    if academy not in console().workflow.ministry.academies:
        abort(404)
    require(who, "download", academy=academy)
    folder = _print_dir(year, academy)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".partial")) if folder.is_dir() else []
    if not files:
        abort(404)
    console().workflow.record(who, "console.print.download", f"{year}/{academy}", files=len(files))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for path in files:
            archive.write(path, path.relative_to(folder).as_posix())
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=f"print-{year}-{academy}.zip")
