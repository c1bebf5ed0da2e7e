"""A real browser for page tests: Playwright driving Debian's chromium, headless, phone-sized.

The browser is Debian's ``chromium-headless-shell`` (the bootstrap installs it): the same engine
without the desktop browser around it, about 40 % less CPU for the same page tests than
``chromium --headless``; ``/usr/bin/chromium`` where only that is installed.

The ``browser`` and ``shots`` fixtures (tests/conftest.py) use these; a module may still define its
own. Screenshots go to ``$SHAHADA_SCREENSHOTS`` when set, else to a temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

CHROMIUM: Final = next((p for p in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if os.path.exists(p)), "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS: Final = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
PHONE: Final = {"width": 412, "height": 915}
LOCALES: Final = {"ar": "ar-MA", "fr": "fr-FR", "en": "en-US"}


def launched_chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def screenshot_dir(fallback: Path) -> Path:
    chosen = os.environ.get("SHAHADA_SCREENSHOTS")
    path = Path(chosen) if chosen else fallback
    path.mkdir(parents=True, exist_ok=True)
    return path


def phone_page(browser: Any, lang: str, **options: Any) -> Any:
    """A new page in a phone-sized context whose browser speaks ``lang``."""
    context = browser.new_context(locale=LOCALES[lang], viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, **options)
    return context.new_page()
