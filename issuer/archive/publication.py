"""Results day: the moment the ministry opens a session's results to its graduates.

Before it, the documents of that session are issued and printed but the graduate portal does not
let graduates in (``[portal] results_gate``); the staff console's approver opens it
(:func:`open_results`), in the same transaction as its audit entry. Both read it with
:func:`results_open`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.errors import ArchiveError

__all__ = ["ResultsDay", "open_results", "opened_sessions", "results_open"]


class ResultsDay(Base):
    __tablename__ = "results_days"

    session_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    operator: Mapped[str] = mapped_column(String(200))


def open_results(engine: Engine, year: int, *, operator: str, at: dt.datetime) -> bool:
    """Open ``year``'s results to graduates (audited as ``results.open``); False if already open.

    Raises:
        ArchiveError (archive.write): the database refused.
    """
    try:
        with Session(engine) as session, session.begin():
            if session.get(ResultsDay, year) is not None:
                return False
            session.add(ResultsDay(session_year=year, opened_at=at, operator=operator))
            session.flush()
            AuditLog(engine).append(session, operator=operator, action="results.open", subject=str(year), at=at)
    except IntegrityError:
        return False  # opened by someone else at the same moment
    except SQLAlchemyError as err:
        raise ArchiveError(f"results day could not be recorded: {err}", code="archive.write") from err
    return True


def opened_sessions(engine: Engine) -> dict[int, dt.datetime]:
    """Every session whose results are open, with when they were opened."""
    with Session(engine) as session:
        return {row.session_year: row.opened_at for row in session.scalars(select(ResultsDay))}


def results_open(engine: Engine, year: int | None = None) -> bool:
    """Whether ``year``'s results (any session's, without a year) are open to graduates."""
    with Session(engine) as session:
        query = select(ResultsDay.session_year)
        if year is not None:
            query = query.where(ResultsDay.session_year == year)
        return session.execute(query.limit(1)).first() is not None
