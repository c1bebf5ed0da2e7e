"""The portal's form fields, parsed and checked: each refusal names its field and a stable code
(``form.*``) whose localized message the page shows next to the field. Pure: no Flask.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Sequence
from typing import Final

from shahada.portal.errors import FormError

_MASSAR: Final = re.compile(r"[A-Z][0-9]{9}")  # as the PV rules check it (shahada.issuer.pv.rules)
_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE: Final = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_CODE: Final = re.compile(r"[0-9]{6}")
RECIPIENT_CHARS: Final = 200
EARLIEST_BIRTH: Final = dt.date(1900, 1, 1)


def massar(value: str | None) -> str:
    """A Code Massar: one letter then nine digits; spaces and case are forgiven.

    Raises:
        FormError: ``form.massar_missing``, ``form.massar``.
    """
    text = re.sub(r"\s+", "", value or "").upper()
    if not text:
        raise FormError("enter the Code Massar", code="form.massar_missing", field="massar")
    if not _MASSAR.fullmatch(text):
        raise FormError("a Code Massar is one letter followed by nine digits", code="form.massar", field="massar")
    return text


def birth_date(value: str | None, *, today: dt.date) -> dt.date:
    """A date of birth as a date input sends it (YYYY-MM-DD) or as typed (DD/MM/YYYY).

    Raises:
        FormError: ``form.birth_date_missing``, ``form.birth_date`` (not a date),
            ``form.birth_date_range`` (in the future or before 1900).
    """
    text = (value or "").strip()
    if not text:
        raise FormError("enter the date of birth", code="form.birth_date_missing", field="birth_date")
    iso, dmy = _ISO_DATE.fullmatch(text), _DMY_DATE.fullmatch(text)
    try:
        if iso:
            parsed = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif dmy:
            parsed = dt.date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
        else:
            raise ValueError(text)
    except ValueError as err:
        raise FormError("not a date: use DD/MM/YYYY", code="form.birth_date", field="birth_date") from err
    if not EARLIEST_BIRTH <= parsed <= today:
        raise FormError("a date of birth is in the past, after 1900", code="form.birth_date_range", field="birth_date")
    return parsed


def one_time_code(value: str | None) -> str:
    """Six digits; spaces are forgiven (a code read aloud or copied as "123 456").

    Raises:
        FormError: ``form.code_missing``, ``form.code``.
    """
    text = re.sub(r"\s+", "", value or "")
    if not text:
        raise FormError("enter the code", code="form.code_missing", field="code")
    if not _CODE.fullmatch(text):
        raise FormError("the code has six digits", code="form.code", field="code")
    return text


def recipient(value: str | None) -> str:
    """Who the link is for: free text, one line, at most 200 characters.

    Raises:
        FormError: ``form.recipient``.
    """
    text = " ".join((value or "").split())
    if not text or len(text) > RECIPIENT_CHARS or any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text):
        raise FormError("name the recipient in at most 200 characters", code="form.recipient", field="recipient")
    return text


def days(value: str | None, *, longest: int) -> int:
    """A link's lifetime: a whole number of days, 1 to ``longest``.

    Raises:
        FormError: ``form.duration``.
    """
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= longest:
        raise FormError(f"choose from 1 to {longest} days", code="form.duration", field="days")
    return int(text)


def documents(values: Sequence[str], *, owned: Collection[str]) -> list[str]:
    """The chosen credential ids, each one of the graduate's, at least one, without repeats.

    Raises:
        FormError: ``form.documents``.
    """
    chosen = list(dict.fromkeys(v for v in values if v))
    if not chosen or any(v not in owned for v in chosen):
        raise FormError("choose at least one of your documents", code="form.documents", field="documents")
    return chosen
