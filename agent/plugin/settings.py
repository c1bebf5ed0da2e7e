"""The plugin's settings, from ACA-Py's ``--plugin-config`` YAML file (its ``shahada`` key).

Only one setting exists: contexts pinned in addition to the project's manifest, each with its
SHA-256 digest (checked when the agent starts, like the manifest's own). It exists for conformance
testing, where the W3C test vectors use ``https://www.w3.org/ns/credentials/examples/v2``; the
ministry's agent runs without it::

    shahada:
      extra_contexts:
        "https://www.w3.org/ns/credentials/examples/v2":
          file: /path/to/credentials-examples-v2.jsonld
          sha256: 6bd1c6…

An extra context can never replace a URL the manifest already pins.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shahada.common.errors import ConfigError
from shahada.schemas.loader import PinnedContext, read_manifest

PLUGIN_CONFIG_KEY = "plugin_config"  # where ACA-Py puts the --plugin-config document
SECTION = "shahada"


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a mapping", code="config.plugin")
    return value


def plugin_manifest(settings: Mapping[str, Any] | Any) -> dict[str, PinnedContext]:
    """The pinned manifest plus the configured ``extra_contexts``.

    Raises:
        ConfigError (config.plugin): a malformed section, or an extra context for a pinned URL.
    """
    manifest = read_manifest()
    plugin_config = _mapping(settings.get(PLUGIN_CONFIG_KEY), "plugin_config")
    section = _mapping(plugin_config.get(SECTION), "plugin_config.shahada")
    extra = _mapping(section.get("extra_contexts"), "plugin_config.shahada.extra_contexts")
    for url, entry in extra.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("file"), str) or not isinstance(entry.get("sha256"), str):
            raise ConfigError(f"extra context {url!r} needs a file and a sha256", code="config.plugin")
        if url in manifest:
            raise ConfigError(f"{url} is pinned by the project's manifest; it cannot be replaced", code="config.plugin")
        manifest[str(url)] = PinnedContext(url=str(url), path=Path(entry["file"]), sha256=entry["sha256"])
    return manifest
