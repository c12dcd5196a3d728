"""Regenerate the web app screenshots in this folder: starts the real app on a free loopback port with a temporary
library, pastes an article into the analyse page, hovers a highlight, and captures the pages with Chromium.

    .venv/bin/python docs/screenshots/take.py [--model-dir DIR]

Uses the packaged models when a technique model is installed, else fits the small synthetic test model of
tests/web/web_helpers.py (so the highlights are real model output either way).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

from spinscope.settings import PACKAGED_MODELS, Settings  # noqa: E402
from spinscope.web.app import create_app  # noqa: E402
from web_helpers import ServerThread, fit_models  # noqa: E402

ARTICLE = """Harbour plan splits the town

The council met on Tuesday to discuss the budget for the harbour district. Officials said the new ferry timetable \
would start in March.
Critics called the plan a disastrous, outrageous betrayal of the town. Residents were invited to comment on the \
proposal at the town hall.
Every true patriot must stand with our great nation against this plan.
Can anyone really believe the minister's promises after so many failures?
The budget shortfall could cost hundreds of jobs and raise local taxes.
"""
SECOND = """Ferry service returns

Officials said the new ferry timetable would start in March.
Can anyone really believe the minister's promises after so many failures?
Doctors at the hospital said patients faced longer waits for treatment.
"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spinscope-shots-"))
    model_dir = args.model_dir or PACKAGED_MODELS
    if not (model_dir / "techniques" / "params.json").exists():
        model_dir = fit_models(work / "models")
    app = create_app(Settings(model_dir=model_dir, language="en"), work / "library.db")
    with ServerThread(app) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.url + "/")
        page.fill("#text", ARTICLE)
        page.click("summary")
        page.fill("input[name=outlet]", "Harbour Times")
        page.fill("input[name=published]", "2026-11-02")
        page.click("#analyze-button")
        page.wait_for_url("**/articles/**")
        page.locator("mark.hl", has_text="disastrous").first.hover()
        page.wait_for_selector("#spinscope-tip:not([hidden])")
        page.screenshot(path=str(HERE / "analyze.png"), full_page=True)
        httpx.post(server.url + "/api/analyze", json={"text": SECOND, "outlet": "Ferry News",
                                                      "published": "2026-10-05"}, timeout=60)
        page.goto(server.url + "/library")
        page.screenshot(path=str(HERE / "library.png"))
        page.goto(server.url + "/dashboard")
        page.wait_for_selector("#chart-outlets svg")
        page.screenshot(path=str(HERE / "dashboard.png"), full_page=True)
        browser.close()
    print(f"wrote {', '.join(p.name for p in sorted(HERE.glob('*.png')))} to {HERE}")


if __name__ == "__main__":
    main()
