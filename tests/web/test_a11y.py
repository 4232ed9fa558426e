"""Accessibility of the main pages, checked by axe-core (from npm: ``package.json``, installed by ``npm ci``)
injected into headless Debian Chromium against a real uvicorn server, on an office PC's screen (1366×768)
and a phone's (390 px wide): no serious or critical violation of WCAG 2.1 A/AA (contrast, names, labels,
headings, landmarks …) on login, search with results, a document, gaps, intake, a job and the users page.
Each page is also saved as a screenshot in test-artifacts/web/ (<page>-<width>.png) with axe's findings
(axe-<width>.json), to look at."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from contextlib import closing

import pytest
from clihelp import REPO
from fastapi.testclient import TestClient
from web_live import CHROMIUM, SHOTS, serving
from web_support import born_digital_pdf, copy_home, login, sign_in

from pipelines.catalog.db import connect
from pipelines.services.config import Config
from pipelines.web import create_app

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHRASE = "kê khai tài sản"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                              "(apt-get install chromium)")


def axe_source() -> str:
    """axe-core's script, installed from package-lock.json with ``npm ci`` when it is not there yet."""
    if not AXE.exists():
        npm = shutil.which("npm")
        assert npm, "axe-core is missing and npm is not installed: apt-get install nodejs npm, then npm ci"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=REPO, check=True, timeout=600,
                       capture_output=True)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(ingested, tmp_path_factory):
    """A server over a copy of the samples, with one finished upload batch; its address and the job's id."""
    home = copy_home(ingested["home"], tmp_path_factory.mktemp("web-a11y") / "home")
    app = create_app(Config(home), intake_jobs=1)
    client = TestClient(app)
    login(client, "quantri")
    job = client.post("/api/uploads", files={"files": ("KH 77-KH-STC.pdf", born_digital_pdf(), "application/pdf")},
                      data={"unit": "Sở Tài chính", "received": "2025-03-05"}).json()
    started = time.monotonic()
    while client.get(f"/api/uploads/{job['id']}").json()["status"] in ("queued", "running"):
        assert time.monotonic() - started < 120
        time.sleep(0.2)
    with closing(connect(home.catalog)) as db:
        doc = db.execute("SELECT id FROM documents WHERE facts LIKE '%312/STP-VP%'").fetchone()["id"]
    with serving(app) as port:
        yield {"base": f"http://127.0.0.1:{port}", "job": job["id"], "doc": doc}
    app.state.web.intake.stop()


def pages(site: dict) -> list[tuple[str, str]]:
    q = PHRASE.replace(" ", "+")
    return [("search", f"/search?q={q}"), ("document", f"/documents/{site['doc']}?q={q}"), ("gaps", "/gaps"),
            ("gaps-unit", "/gaps?unit=C%C3%B4ng+an+t%E1%BB%89nh"), ("intake", "/intake"),
            ("job", f"/intake/{site['job']}"), ("admin-users", "/admin/users"),
            ("search-error", "/search?q=%22k%C3%AA+khai&from=31/02/2024")]


def check(page, axe: str, name: str, width: str) -> list[dict]:
    """axe's serious and critical violations on the page (all of them are kept in the report)."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=name not in ("gaps", "document"))
    page.evaluate(axe)
    result = page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                           ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
                           "nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))", TAGS)
    return [{"page": name, **v} for v in result]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_main_pages_have_no_serious_accessibility_violations(site, browser, width):
    axe = axe_source()
    context = browser.new_context(viewport=WIDTHS[width], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    found: list[dict] = []
    page.goto(site["base"] + "/login")
    found += check(page, axe, "login", width)
    checked = ["login"]
    sign_in(page, "quantri")
    page.wait_for_url("**/search")
    for name, path in pages(site):
        response = page.goto(site["base"] + path)
        assert response.status == (422 if name == "search-error" else 200), (name, response.status)
        found += check(page, axe, name, width)
        checked.append(name)
    context.close()
    (SHOTS / f"axe-{width}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)
    assert len(checked) == 9
