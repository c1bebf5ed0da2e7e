"""schemas/loader.py and schemas/manifest.py: the pinned JSON-LD document loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from shahada.schemas.errors import AlteredContextError, SchemaError, UnknownContextError
from shahada.schemas.loader import (
    MANIFEST_FILE,
    PinnedDocumentLoader,
    file_digest,
    read_manifest,
    schemas_dir,
)
from shahada.schemas.manifest import CONTEXT_FILES, build_manifest

BACCALAUREATE = "https://diplomes.men.gov.ma/contexts/baccalaureate/v1"


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """A copy of the manifest and the context files, free to be damaged."""
    shutil.copy(schemas_dir() / MANIFEST_FILE, tmp_path / MANIFEST_FILE)
    shutil.copytree(schemas_dir() / "contexts", tmp_path / "contexts")
    return tmp_path


def test_manifest_is_up_to_date() -> None:
    on_disk = json.loads((schemas_dir() / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert on_disk == build_manifest(), "run `python -m shahada.schemas.manifest` after changing a context"
    assert CONTEXT_FILES[BACCALAUREATE] == "baccalaureate-v1.jsonld"


def test_serves_every_pinned_file(loader: PinnedDocumentLoader) -> None:
    manifest = read_manifest()
    assert loader.urls == frozenset(manifest) and BACCALAUREATE in loader.urls
    for url, pinned in manifest.items():
        remote = loader(url, {})
        assert remote == {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(pinned.path.read_text(encoding="utf-8")),
        }
        assert loader.digest(url) == pinned.sha256 == file_digest(pinned.path)


@pytest.mark.parametrize(
    "url",
    [
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://diplomes.men.gov.ma/contexts/baccalaureate/v2",
        "https://diplomes.men.gov.ma/contexts/baccalaureate/v1/",
        "http://www.w3.org/ns/credentials/v2",
        "",
    ],
)
def test_other_urls_are_unknown(loader: PinnedDocumentLoader, url: str) -> None:
    with pytest.raises(UnknownContextError) as raised:
        loader(url)
    assert raised.value.code == "context.unknown" and raised.value.http_status == 422
    assert isinstance(raised.value, LookupError) and isinstance(raised.value, SchemaError)


def test_a_copy_loads(copied: Path) -> None:
    assert BACCALAUREATE in PinnedDocumentLoader(read_manifest(copied)).urls


def test_altered_file_is_refused(copied: Path) -> None:
    path = copied / "contexts" / "baccalaureate-v1.jsonld"
    path.write_text(path.read_text(encoding="utf-8").replace("schema.org/familyName", "example.org/familyName"), encoding="utf-8")
    with pytest.raises(AlteredContextError) as raised:
        PinnedDocumentLoader(read_manifest(copied))
    assert raised.value.code == "context.altered"
    assert "baccalaureate-v1.jsonld" in str(raised.value)


def test_a_single_byte_counts(copied: Path) -> None:
    path = copied / "contexts" / "credentials-v2.jsonld"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(AlteredContextError):
        PinnedDocumentLoader(read_manifest(copied))


def test_altered_manifest_digest_is_refused(copied: Path) -> None:
    manifest = json.loads((copied / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["contexts"][BACCALAUREATE]["sha256"] = "0" * 64
    (copied / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(AlteredContextError):
        PinnedDocumentLoader(read_manifest(copied))
