"""Finding and launching Debian's Chromium for the headless-browser tests (Playwright's own download is not used)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

# background networking off: this machine's closed network refuses Chromium's own connections
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
NO_CHROMIUM = "no Chromium binary found (set SPINSCOPE_CHROMIUM, or `apt-get install chromium` for /usr/bin/chromium)"


def find_chromium() -> str | None:
    candidates = [os.environ.get("SPINSCOPE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                  shutil.which("chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@contextmanager
def launched_chromium():
    """Debian's Chromium driven by Playwright (imported here so modules without browser tests need no playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# for page.evaluate: every control (focusable, or a widget role) inside another, as axe's "nested-interactive"
# rule finds them
NESTED_INTERACTIVE = """() => {
    const control = 'a[href], button, input, select, textarea, summary, [tabindex], [role=button], [role=link], '
                  + '[role=checkbox], [role=switch], [role=tab], [role=menuitem], [role=option]';
    return [...document.querySelectorAll(control)]
        .filter(el => el.parentElement && el.parentElement.closest(control))
        .map(el => el.outerHTML.slice(0, 120) + ' inside ' + el.parentElement.closest(control).outerHTML.slice(0, 120));
}"""
