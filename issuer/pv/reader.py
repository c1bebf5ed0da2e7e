"""Read and validate a procès-verbal des délibérations (PV), the jury's record of a session.

The format (CSV or XLSX, columns, every check and its code) is documented in ``docs/pv-format.md``.
Reading is all or nothing: a PV with a single bad row raises :class:`~shahada.issuer.errors.PVInvalidError`
listing every problem found in the file, and nothing is issued from it. The jury's values are
authoritative and are only checked, never corrected (``shahada.issuer.pv.rules``). Every valid record
is built into its credentials and checked as the signer and the verifier will
(``shahada.issuer.pv.signable``), so a PV that reads is a PV that issues.

Size is bounded before work is spent on it: at most :data:`MAX_ROWS` candidate rows, and an XLSX
workbook's declared sheet dimension and decompressed sizes are checked before it is parsed
(``pv.too_large``, naming the row or the file).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Final

from shahada.issuer.errors import PVInvalidError
from shahada.issuer.pv.encoding import arabic_damage, arabic_damage_message, guess_encoding, not_utf8_message
from shahada.issuer.pv.rules import PROBLEM_CODES, ProblemLog, RowChecker, pv_columns
from shahada.issuer.pv.signable import CheckingProfile
from shahada.schemas.records import PVRecord
from shahada.schemas.reference import Reference

__all__ = ["MAX_ROWS", "PROBLEM_CODES", "iter_pv_bytes", "parse_pv_bytes", "pv_columns", "read_pv"]

MAX_ROWS: Final = 500_000  # candidate rows in one PV; a national session has about 400,000
MAX_COLUMNS: Final = 256  # a sheet's widest row; a PV has 47 columns
# Decompressed sizes of an XLSX's parts, checked in the zip directory before anything is parsed
# (Python's zipfile stops at the declared size, so a part cannot lie about it). A 400,000-row sheet
# is about 400 MB of XML; its shared strings (names and places) a few tens of MB. openpyxl holds
# every shared string in memory: a small zip of repetitive strings would otherwise take gigabytes.
MAX_XLSX_PART_BYTES: Final = 768 * 2**20
MAX_XLSX_TOTAL_BYTES: Final = 1024 * 2**20
MAX_SHARED_STRINGS_BYTES: Final = 64 * 2**20
MAX_XLSX_PARTS: Final = 1000

_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"  # legacy .xls
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_FIRST_LINE = re.compile(r"[^\r\n]*")
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of invalid UTF-8 bytes
# Up to this many lines with bytes that are not UTF-8, each bad cell is reported (a stray character
# pasted in); beyond, the file is in another encoding and gets one diagnosis naming it.
STRAY_LINES: Final = 3
HEADER_SEARCH: Final = 10  # lines searched for the header when line 1 is not it (a title above)
_ARABIC_COLUMNS: Final = ("nom_ar", "prenom_ar", "lieu_naissance_ar")

type Rows = Generator[tuple[int, list[str]]]  # (line of the row's start, cells); the header first


class _Unreadable(Exception):
    """The file cannot be read on from ``row`` (None: not at all); becomes one ``code`` problem."""

    def __init__(self, row: int | None, code: str, message: str) -> None:
        super().__init__(message)
        self.row, self.code, self.message = row, code, message


@dataclass(frozen=True, slots=True)
class _Source:
    decimal_comma: bool  # "15,25" is a decimal: CSV with ';' separators, and XLSX text cells
    broken: bool  # the CSV has bytes that are not UTF-8 (decoded with surrogateescape)
    spreadsheet: bool  # XLSX: rows may omit trailing empty cells
    foreign: bool = False  # more than STRAY_LINES lines are not UTF-8: the file is in another encoding
    encoding: str | None = None  # then its likely encoding, in words (None: no guess)


def read_pv(path: Path, *, reference: Reference, year: int | None = None, build: bool = True) -> list[PVRecord]:
    """Read the PV at ``path`` (CSV or XLSX, told apart by content) and validate every row.

    Args:
        path: the file; its name is the ``source`` of the error.
        reference: the reference data the rows are checked against.
        year: the session's year, for the age check of birth dates; default the current year.
        build: build every valid record's credentials and check them (``pv.credential``); False
            only for a caller that builds and checks them itself (issuance's planning).

    Returns:
        One record per candidate row, in file order.

    Raises:
        PVInvalidError: (``pv.invalid``) with ``problems``, every problem found (the first 1000,
            then one ``pv.truncated`` line with the count), each with its own code, e.g.
            ``pv.encoding``, ``pv.columns``, ``pv.massar_format``, ``pv.average_mismatch``.
        OSError: the file cannot be read.
    """
    return parse_pv_bytes(path.read_bytes(), filename=path.name, reference=reference, year=year, build=build)


def parse_pv_bytes(
    data: bytes, *, filename: str, reference: Reference, year: int | None = None, build: bool = True
) -> list[PVRecord]:
    """Like :func:`read_pv`, for a PV already in memory (an upload); ``filename`` names it in errors.

    XLSX is recognised by its zip signature, anything else is read as CSV.
    """
    return list(iter_pv_bytes(data, filename=filename, reference=reference, year=year, build=build))


def iter_pv_bytes(
    data: bytes, *, filename: str, reference: Reference, year: int | None = None, build: bool = True
) -> Iterator[PVRecord]:
    """:func:`parse_pv_bytes` one record at a time, in file order, for a caller that keeps none of
    them (issuance plans a national PV in chunks). The checks are the same, and so is the outcome:
    once the last row is read, a PV with any problem raises :class:`PVInvalidError` (every problem
    found), so the records seen before it must not be used unless the iteration ends normally.
    """
    log = ProblemLog()
    year = date.today().year if year is None else year
    if data.startswith(_ZIP_MAGIC):
        rows, source = _xlsx_rows(data), _Source(decimal_comma=True, broken=False, spreadsheet=True)
    elif data.startswith(_OLE_MAGIC):
        log.add(None, None, "pv.format", "a legacy .xls workbook: save it as .xlsx or as CSV UTF-8")
        raise PVInvalidError(log.report(), source=filename)
    else:
        opened = _csv_rows(data, log)
        if opened is None:
            raise PVInvalidError(log.report(), source=filename)
        rows, source = opened
    del data  # the rows hold what they still need (a CSV's decoded text): not the bytes as well, for the whole reading
    with closing(rows):
        yield from _validate(rows, reference, year, source, log, build)
    if log.total:
        raise PVInvalidError(log.report(), source=filename)


def _validate(rows: Rows, reference: Reference, year: int, source: _Source, log: ProblemLog, build: bool) -> Iterator[PVRecord]:
    try:
        yield from _check_rows(rows, reference, year, source, log, build)
    except _Unreadable as err:
        log.add(err.row, None, err.code, err.message)
    except csv.Error as err:
        log.add(None, None, "pv.format", f"the CSV cannot be parsed: {err}")


def _check_rows(rows: Rows, reference: Reference, year: int, source: _Source, log: ProblemLog, build: bool) -> Iterator[PVRecord]:
    first = next(rows, None)
    if first is None or not any(first[1]):
        log.add(None, None, "pv.empty", "the first line is empty: it must hold the header")
        return
    header = first[1]
    expected = pv_columns(reference)
    if _matching(header, expected) < len(expected) // 2 and _header_below(rows, expected, log):
        return
    index = _check_header(header, expected, source.broken, log)
    if index is None:
        return
    width = len(index)
    checker = RowChecker(reference, index, year=year, decimal_comma=source.decimal_comma, log=log)
    signable = CheckingProfile(reference, year) if build else None
    count = 0
    not_utf8: list[int] = []  # lines skipped as not UTF-8 (another encoding)
    damaged: dict[str, list[int]] = {}  # "lost" | "mojibake" → lines whose Arabic was damaged
    arabic = [index[c] for c in _ARABIC_COLUMNS if c in index]
    for line, cells in rows:
        if line > MAX_ROWS + 1:
            raise _Unreadable(line, "pv.too_large", f"the PV goes on past row {MAX_ROWS + 1}: at most {MAX_ROWS} candidate rows")
        if not any(cells):
            continue  # blank lines and rows of empty cells carry nothing
        count += 1
        if len(cells) < width and source.spreadsheet:
            cells += [""] * (width - len(cells))  # a sheet may omit trailing empty cells
        elif len(cells) != width:
            if len(cells) < width or any(c.strip() for c in cells[width:]):
                log.add(line, None, "pv.field_count", f"the row has {len(cells)} cells, the header {width}")
                continue
            del cells[width:]  # trailing empty cells, as the header may have
        if source.broken:
            if source.foreign:
                if any(_UNDECODABLE.search(c) for c in cells):
                    not_utf8.append(line)
                    continue
            elif _undecodable(line, cells, header, log):
                continue
        if (harm := next((h for i in arabic if (h := arabic_damage(cells[i])) is not None), None)) is not None:
            damaged.setdefault(harm, []).append(line)
            continue
        if (record := checker.check(line, cells)) is None:
            continue
        if signable is not None and (problems := signable.problems(record)):
            for column, message in problems:
                log.add(line, column, "pv.credential", message)
        else:
            yield record
    arabic_lost = bool(damaged.get("lost"))
    if not_utf8:  # one diagnosis: the rows whose Arabic the other encoding lost are part of it
        not_utf8 = sorted(not_utf8 + [line for lines in damaged.values() for line in lines])
        damaged = {}
    for harm, lines in sorted(damaged.items(), reverse=True):
        log.lead(None, None, "pv.encoding", arabic_damage_message(harm, len(lines), lines[0]))
    if not_utf8:
        log.lead(None, None, "pv.encoding", not_utf8_message(source.encoding, len(not_utf8), not_utf8[0], arabic_lost=arabic_lost))
    if not count:
        log.add(None, None, "pv.empty", "the file has a header but no candidate row")


def _matching(names: list[str], expected: tuple[str, ...]) -> int:
    """How many of the expected column names a row holds."""
    wanted = set(expected)
    return sum(1 for n in names if n.strip() in wanted)


def _header_below(rows: Rows, expected: tuple[str, ...], log: ProblemLog) -> bool:
    """When line 1 is not the header: whether one of the next lines is (a title or notes above it,
    as a sheet exported with its heading has). Reports ``pv.header_row`` if so. The lines read are
    consumed: the caller stops either way."""
    for _ in range(HEADER_SEARCH):
        found = next(rows, None)
        if found is None:
            return False
        line, cells = found
        if _matching(cells, expected) >= len(expected) // 2:
            log.add(
                line, None, "pv.header_row",
                f"the header is on line {line}, not line 1: delete the {line - 1} line(s) above it (a title or notes) "
                "so that the column names are the first line, and check the file again",
            )
            return True
    return False


def _check_header(header: list[str], expected: tuple[str, ...], broken: bool, log: ProblemLog) -> dict[str, int] | None:
    """Column name → position, or None after reporting ``pv.columns`` / ``pv.encoding`` problems."""
    names = [h.strip() for h in header]
    while names and not names[-1]:
        names.pop()  # trailing empty cells of a spreadsheet export
    if broken and any(_UNDECODABLE.search(n) for n in names):
        log.add(1, None, "pv.encoding", "the header line holds bytes that are not UTF-8; save the file as CSV UTF-8")
        return None
    index: dict[str, int] = {}
    known = {e.casefold(): e for e in expected}
    for i, name in enumerate(names):
        if not name:
            log.add(1, None, "pv.columns", f"column {i + 1} has no name")
        elif name in index:
            log.add(1, name, "pv.columns", f"column {name!r} appears more than once")
        elif name not in expected:
            hint = f" (did you mean {known[name.casefold()]!r}?)" if name.casefold() in known else ""
            log.add(1, name, "pv.columns", f"unknown column {name!r}{hint}")
        index.setdefault(name, i)
    for name in expected:
        if name not in index:
            log.add(1, name, "pv.columns", f"missing column {name!r}")
    return None if log.total else index


def _undecodable(line: int, cells: list[str], header: list[str], log: ProblemLog) -> bool:
    found = False
    for name, cell in zip(header, cells, strict=False):
        if _UNDECODABLE.search(cell):
            log.add(line, name.strip(), "pv.encoding", "bytes that are not UTF-8; save the file as CSV UTF-8")
            found = True
    return found


def _csv_rows(data: bytes, log: ProblemLog) -> tuple[Rows, _Source] | None:
    """The rows and how to read them, or None after a file-level problem."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        log.add(None, None, "pv.encoding", "the file is UTF-16 (Excel's 'Unicode text'); save it as CSV UTF-8")
        return None
    data = data.removeprefix(_UTF8_BOM)
    if not data.strip():
        log.add(None, None, "pv.empty", "the file is empty")
        return None
    foreign, encoding = False, None
    try:
        text, broken = data.decode("utf-8"), False
    except UnicodeDecodeError as err:
        # Keep going so the report still checks the good rows; a few bad lines are stray characters
        # (each bad cell is named), more is a file in another encoding (one diagnosis, naming it).
        text, broken = data.decode("utf-8", "surrogateescape"), True
        if _broken_lines(text) > STRAY_LINES:
            foreign, encoding = True, guess_encoding(data, err.start)
    first = _FIRST_LINE.match(text)
    header = first.group() if first else ""
    delimiter = ";" if header.count(";") >= header.count(",") and ";" in header else ","
    reader = csv.reader(_lines(text), delimiter=delimiter)

    def rows() -> Rows:
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as err:
            raise _Unreadable(start, "pv.format", f"the CSV cannot be parsed from this row on: {err}") from err

    return rows(), _Source(decimal_comma=delimiter == ";", broken=broken, spreadsheet=False, foreign=foreign, encoding=encoding)


def _broken_lines(text: str) -> int:
    """Lines holding bytes that are not UTF-8, counted up to one more than STRAY_LINES."""
    found = 0
    for line in _lines(text):
        if _UNDECODABLE.search(line):
            found += 1
            if found > STRAY_LINES:
                break
    return found


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, like ``io.StringIO(text, newline="")`` without its copy.

    (A StringIO holds the whole text again, four bytes a character: 350 MB for a national PV.)
    """
    if "\n" not in text:  # old Mac line ends (CR), or a single line
        yield from text.splitlines(keepends=True)
        return
    find, start = text.find, 0
    while (end := find("\n", start)) >= 0:
        yield text[start : end + 1]
        start = end + 1
    if start < len(text):
        yield text[start:]


def _xlsx_rows(data: bytes) -> Rows:
    """Rows of the first sheet, cells as text; opened read-only so that large PVs stream.

    The zip's directory and the sheet's declared dimension are checked first; the rows are then read
    without trusting that dimension (openpyxl would pad every row to it, and stop at it).
    """
    from openpyxl import load_workbook  # imported here: only XLSX uploads pay for it

    _check_xlsx_sizes(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types (zip, XML, KeyError) for a bad file
        raise _Unreadable(None, "pv.format", f"not a readable XLSX workbook: {type(err).__name__}: {err}") from err
    line = 0
    try:
        sheet = book.worksheets[0]
        if (sheet.max_row or 0) > MAX_ROWS + 1 or (sheet.max_column or 0) > MAX_COLUMNS:
            raise _Unreadable(None, "pv.too_large",
                              f"the first sheet declares {sheet.max_row} rows and {sheet.max_column} columns; "
                              f"a PV has at most {MAX_ROWS + 1} rows and {MAX_COLUMNS} columns")  # fmt: skip
        sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(values) > MAX_COLUMNS:
                raise _Unreadable(line, "pv.too_large", f"the row has cells up to column {len(values)}; at most {MAX_COLUMNS}")
            yield line, [_cell_text(v) for v in values]
    except _Unreadable:
        raise
    except Exception as err:
        message = f"the XLSX workbook cannot be read from this row on: {type(err).__name__}: {err}"
        raise _Unreadable(line + 1, "pv.format", message) from err
    finally:
        book.close()


def _check_xlsx_sizes(data: bytes) -> None:
    """Refuse a workbook whose parts decompress to more than the limits, before parsing any XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as err:
        raise _Unreadable(None, "pv.format", f"not a readable XLSX workbook: {type(err).__name__}: {err}") from err
    if len(parts) > MAX_XLSX_PARTS:
        raise _Unreadable(None, "pv.too_large", f"the workbook has {len(parts)} parts; at most {MAX_XLSX_PARTS}")
    total = sum(part.file_size for part in parts)
    if total > MAX_XLSX_TOTAL_BYTES:
        raise _Unreadable(None, "pv.too_large",
                          f"the workbook decompresses to {total} bytes; at most {MAX_XLSX_TOTAL_BYTES}")  # fmt: skip
    for part in parts:
        limit = MAX_SHARED_STRINGS_BYTES if part.filename.lower().endswith("sharedstrings.xml") else MAX_XLSX_PART_BYTES
        if part.file_size > limit:
            raise _Unreadable(None, "pv.too_large",
                              f"the workbook's part {part.filename} decompresses to {part.file_size} bytes; "
                              f"at most {limit}")  # fmt: skip


def _cell_text(value: object) -> str:
    """The text of a spreadsheet cell: numbers as written, dates as YYYY-MM-DD."""
    match value:
        case None:
            return ""
        case str():
            return value
        case bool():
            return str(value).upper()
        case int():
            return str(value)
        case float():
            # Binary noise of a computed cell (13.330000000000002) is not a third decimal.
            cents = round(value, 2)
            return f"{cents:.2f}" if abs(cents - value) < 1e-9 else repr(value)
        case datetime() if value.time() == time(0):
            return value.date().isoformat()
        case date() | datetime() | time():
            return value.isoformat()
        case _:
            return str(value)
