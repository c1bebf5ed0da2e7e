"""Pinned JSON-LD document loader (JSON-LD 1.1 API §9.4 ``LoadDocumentCallback``).

The manifest (``schemas/manifest.json``) maps every context URL the project uses to a file in
``schemas/contexts/`` and its SHA-256 digest. The loader serves exactly those documents and raises
:class:`~shahada.schemas.errors.UnknownContextError` for any other URL: nothing is ever fetched. The same
files feed the verifier and, through the project's ACA-Py plugin, the agent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from shahada.schemas.errors import AlteredContextError, UnknownContextError

MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True, slots=True)
class PinnedContext:
    url: str
    path: Path
    sha256: str


def schemas_dir() -> Path:
    return Path(str(resources.files("shahada.schemas")))


def read_manifest(base: Path | None = None) -> dict[str, PinnedContext]:
    """Read the manifest: URL → pinned file and digest."""
    base = base or schemas_dir()
    raw = json.loads((base / MANIFEST_FILE).read_text(encoding="utf-8"))
    return {
        url: PinnedContext(url=url, path=base / entry["file"], sha256=entry["sha256"])
        for url, entry in raw["contexts"].items()
    }


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class PinnedDocumentLoader:
    """A pyld-compatible document loader over the pinned manifest.

    Every file is read once, its digest checked against the manifest (an altered file raises
    :class:`AlteredContextError` at construction), and parsed once. Calls return a fresh
    RemoteDocument dict whose ``document`` is shared and must not be mutated by callers
    (pyld does not mutate loaded contexts).
    """

    def __init__(self, manifest: Mapping[str, PinnedContext] | None = None) -> None:
        manifest = manifest if manifest is not None else read_manifest()
        self._documents: dict[str, Any] = {}
        self._digests: dict[str, str] = {}
        for url, pinned in manifest.items():
            data = pinned.path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest != pinned.sha256:
                raise AlteredContextError(
                    f"context file {pinned.path.name} for {url} has digest {digest}, "
                    f"the manifest pins {pinned.sha256}"
                )
            self._documents[url] = json.loads(data)
            self._digests[url] = digest

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def digest(self, url: str) -> str:
        return self._digests[url]

    def document(self, url: str) -> Any:
        """The parsed document for ``url``, or UnknownContextError."""
        try:
            return self._documents[url]
        except KeyError:
            raise UnknownContextError(f"JSON-LD context {url!r} is not in the pinned manifest") from None

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
        }
