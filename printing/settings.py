"""What an installation sets on its printed documents: the emblem, the signing authority, the
place of issue. Plain values with neutral defaults; ``shahada.config`` reads them from the
``[print]`` table of config.toml (or ``SHAHADA_PRINT_<KEY>``).

The verification website printed in words is not a setting: it is read from the QR text itself
(the installation's ``verify_base_url``), so the paper and its QR code never name two places.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit, urlunsplit
from xml.etree import ElementTree

from shahada.printing.errors import EmblemError

DEFAULT_EMBLEM: Final = Path(__file__).resolve().parent / "templates" / "emblem.svg"
MAX_EMBLEM_BYTES: Final = 512 * 1024
_SEPARATORS: Final = "/#=:"


@dataclass(frozen=True, slots=True)
class PrintSettings:
    """The installation's choices printed on every document (French and Arabic)."""

    emblem: Path = DEFAULT_EMBLEM  # an SVG drawing, printed at the head of the page
    signatory_fr: str = "Le Ministre de l'Éducation nationale"
    signatory_ar: str = "وزير التربية الوطنية"
    signatory_name_fr: str = ""  # the signing person's name, printed under the title when set
    signatory_name_ar: str = ""
    place_fr: str = "Rabat"  # "Fait à Rabat, le …"
    place_ar: str = "الرباط"  # "حرر بالرباط في …"

    def emblem_svg(self) -> str:
        """The emblem's SVG text, checked to be an SVG document.

        Raises:
            EmblemError: ``print.emblem``, the file is missing, too large or not SVG.
        """
        try:
            data = self.emblem.read_bytes()
        except OSError as err:
            raise EmblemError(f"the emblem {self.emblem} cannot be read: {err}") from err
        if len(data) > MAX_EMBLEM_BYTES:
            raise EmblemError(f"the emblem {self.emblem} is {len(data)} bytes; at most {MAX_EMBLEM_BYTES} are printed")
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as err:
            raise EmblemError(f"the emblem {self.emblem} is not an SVG file: {err}") from err
        if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
            raise EmblemError(f"the emblem {self.emblem} is not an SVG file (its root element is {root.tag!r})")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise EmblemError(f"the emblem {self.emblem} is not UTF-8 text: {err}") from err


def verification_website(qr_text: str) -> str | None:
    """The website a reader types to verify the paper, in words: the QR text's base URL with
    its scheme and host in lower case (as people write them; the QR code holds capitals to stay
    alphanumeric) and no trailing separator. None when the QR text holds no URL."""
    cut = max(qr_text.rfind(sep) for sep in _SEPARATORS)
    base = qr_text[: cut + 1]
    parts = urlsplit(base)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path.rstrip("/") if not (parts.query or parts.fragment) else parts.path
    query = parts.query.rstrip("=").rsplit("&", 1)[0] if "&" in parts.query else ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))
