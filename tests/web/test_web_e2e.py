"""The web interface in a real browser: headless Debian Chromium (/usr/bin/chromium, driven by Playwright's
Python package; no browser is downloaded) against a real uvicorn server on a free port. A reviewer logs in,
searches without diacritics, opens a document (hits marked in the text and boxed on the page image),
corrects its type and sees the audit entry, opens the gap matrix; a clerk uploads a file and watches it
being processed. Screenshots of each page go to test-artifacts/web/."""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelp import REPO
from web_live import serving
from web_support import PASSWORD, born_digital_pdf, copy_home

from pipelines.services.config import Config
from pipelines.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "test-artifacts" / "web"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                              "(apt-get install chromium)")


@pytest.fixture(scope="module")
def server(ingested, tmp_path_factory):
    home = copy_home(ingested["home"], tmp_path_factory.mktemp("web-e2e") / "home")
    with serving(create_app(Config(home), intake_jobs=1)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _login(browser, base: str, name: str):
    page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="vi-VN").new_page()
    page.set_default_timeout(30_000)
    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    return page


def test_reviewer_searches_reads_corrects_and_opens_gaps(server, browser):
    page = _login(browser, server, "ratsoat")
    page.screenshot(path=str(SHOTS / "01-login.png"))
    page.click("button[type=submit]")
    page.wait_for_url("**/search")

    page.fill("input[name=q]", "ke khai tai san")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert page.locator("ol.hits .snippet mark").count() >= 3
    assert "trang khớp" in page.inner_text("#total")
    page.screenshot(path=str(SHOTS / "02-search.png"), full_page=True)

    page.click("ol.hits li.hit a.title >> nth=0")
    page.wait_for_selector("article.page")
    assert page.locator("pre.ocrtext mark").count() >= 1
    box = page.locator(".pageimg .box").first
    box.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('.pageimg img')]"
                           ".some(i => i.complete && i.naturalWidth)")
    assert box.is_visible()
    geometry = box.bounding_box()
    figure = box.locator("xpath=..").bounding_box()
    assert geometry["width"] > 3 and geometry["height"] > 3
    assert figure["x"] <= geometry["x"] <= figure["x"] + figure["width"]
    assert figure["y"] <= geometry["y"] <= figure["y"] + figure["height"]
    page.screenshot(path=str(SHOTS / "03-document.png"))

    current = page.locator("#doc_type").input_value()
    new_type = "BC" if current != "BC" else "KH"
    page.select_option("#doc_type", new_type)
    page.fill("textarea[name=note]", "Kiểm tra trên trình duyệt")
    page.click("form.review button[type=submit]")
    page.wait_for_selector("p.notice")
    audit = page.inner_text("table.audit")
    assert "doc_type" in audit and "ratsoat" in audit and new_type in audit and "Kiểm tra trên trình duyệt" in audit
    page.locator("#audit").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "04-audit.png"))

    page.click("header nav >> text=Thiếu minh chứng")
    page.wait_for_selector("#matrix")
    assert page.locator("#matrix td.cell").count() > 100
    page.screenshot(path=str(SHOTS / "05-gaps.png"))
    page.click("#matrix th.unitname a >> text=Sở Nội vụ")
    page.wait_for_selector("section.unit")
    assert "Sở Nội vụ" in page.inner_text("section.unit h2")
    page.screenshot(path=str(SHOTS / "06-gaps-unit.png"))


def test_clerk_uploads_and_watches_the_progress(server, browser, tmp_path):
    pdf = tmp_path / "KH 77-KH-STC.pdf"
    pdf.write_bytes(born_digital_pdf())
    page = _login(browser, server, "vanthu")
    page.click("button[type=submit]")
    page.wait_for_url("**/intake")
    page.fill("input[name=unit]", "Sở Tài chính")
    page.set_input_files("input[name=files]", str(pdf))
    page.screenshot(path=str(SHOTS / "07-intake.png"))
    page.click("form.intake button[type=submit]")
    page.wait_for_url("**/intake/*")
    page.wait_for_function("() => document.querySelector('#job').dataset.status === 'done'", timeout=120_000)
    assert "Xong" in page.inner_text("#job-status")
    page.screenshot(path=str(SHOTS / "08-job.png"), full_page=True)
    page.click("a[href^='/documents/']")
    page.wait_for_selector("article.page")
    assert "77/KH-STC" in page.inner_text("h1")
