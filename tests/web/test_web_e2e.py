"""The web interface in a real browser: headless Debian Chromium (/usr/bin/chromium, driven by Playwright's
Python package; no browser is downloaded) against a real uvicorn server on a free port.

On an office PC's screen (1366×768) a reviewer logs in, searches without diacritics (one entry per document,
the phrase marked), opens a document (hits marked in the text and boxed on the page image), tries to save
nothing (told so beside the button), corrects its type and sees the audit entry, then scrolls a gap matrix
whose header row and unit column stay in place; a clerk lands on the intake page, is told before sending
that the files are too large, uploads a file and watches it being processed. On a phone (390 px) the menu
and the search filters fold behind buttons and no page is wider than the screen. Screenshots of each step
go to test-artifacts/web/ (e2e-*.png)."""

from __future__ import annotations

import pytest
from web_live import CHROMIUM, SHOTS, serving
from web_support import born_digital_pdf, copy_home, fill_login

from pipelines.services.config import Config
from pipelines.web import create_app

PC, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
MAX_UPLOAD = 3 * 1024 * 1024
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                              "(apt-get install chromium)")


@pytest.fixture(scope="module")
def server(ingested, tmp_path_factory):
    home = copy_home(ingested["home"], tmp_path_factory.mktemp("web-e2e") / "home")
    app = create_app(Config(home), intake_jobs=1, max_upload_bytes=MAX_UPLOAD)
    with serving(app) as port:
        yield f"http://127.0.0.1:{port}"
    app.state.web.intake.stop()


def _login(browser, base: str, name: str, viewport: dict = PC):
    page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
    page.set_default_timeout(30_000)
    page.goto(base + "/")
    assert "/login" in page.url
    fill_login(page, name)
    return page


def shot(page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(SHOTS / f"e2e-{name}.png"), full_page=full)


def test_reviewer_searches_reads_corrects_and_opens_gaps(server, browser):
    page = _login(browser, server, "ratsoat")
    shot(page, "01-login")
    page.click("form button[type=submit]")
    page.wait_for_url("**/search")

    page.fill("input[name=q]", "ke khai tai san")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert page.locator("ol.hits .snippet mark").count() >= 3
    assert "văn bản" in page.inner_text("#total") and "trang khớp" in page.inner_text("#total")
    titles = page.locator("ol.hits li.hit a.title").evaluate_all("links => links.map(a => a.pathname)")
    assert len(titles) == len(set(titles)) >= 3  # one entry per document
    shot(page, "02-search", full=True)

    page.click("ol.hits li.hit a.title >> nth=0")
    page.wait_for_selector("article.page")
    assert page.locator("pre.ocrtext mark").count() >= 1
    assert page.locator("pre.ocrtext mark", has_text="kê khai tài sản").count() >= 1
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
    shot(page, "03-document")

    before = page.url
    page.fill("textarea[name=note]", "Kiểm tra trên trình duyệt")
    page.click("form.review button[type=submit]")
    assert page.locator("#review-empty").is_visible() and page.url == before  # nothing changed: not sent
    assert page.input_value("textarea[name=note]") == "Kiểm tra trên trình duyệt"
    current = page.locator("#doc_type").input_value()
    new_type = "BC" if current != "BC" else "KH"
    page.select_option("#doc_type", new_type)
    assert not page.locator("#review-empty").is_visible()
    page.click("form.review button[type=submit]")
    page.wait_for_selector("p.notice")
    audit = page.inner_text("table.audit")
    assert "doc_type" in audit and "ratsoat" in audit and new_type in audit and "Kiểm tra trên trình duyệt" in audit
    page.locator("#audit").scroll_into_view_if_needed()
    shot(page, "04-audit")

    page.click("header nav >> text=Thiếu minh chứng")
    page.wait_for_selector("#matrix")
    assert page.locator("table.matrix td.cell").count() > 100
    shot(page, "05-gaps")
    wrap = page.locator("#kind-SO .matrix-wrap")
    wrap.scroll_into_view_if_needed()
    start = wrap.bounding_box()
    wrap.evaluate("el => { el.scrollLeft = 400; el.scrollTop = 150; }")
    page.wait_for_timeout(100)
    corner = page.locator("#kind-SO th.corner").bounding_box()
    header = page.locator("#kind-SO th.req >> nth=20").bounding_box()
    unit = page.locator("#kind-SO th.unitname >> nth=8").bounding_box()
    assert abs(corner["x"] - start["x"]) < 3 and abs(corner["y"] - start["y"]) < 3  # stays in its corner
    assert abs(header["y"] - start["y"]) < 3 and abs(unit["x"] - start["x"]) < 3  # header row, unit column
    shot(page, "05-gaps-scrolled")
    page.click("#kind-SO th.unitname a >> text=Sở Nội vụ")
    page.wait_for_selector("section.unit")
    assert "Sở Nội vụ" in page.inner_text("section.unit h2")
    assert "unit=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5" in page.get_attribute("p.downloads a.button >> nth=0", "href")
    shot(page, "06-gaps-unit")


def test_clerk_uploads_and_watches_the_progress(server, browser, tmp_path):
    pdf = tmp_path / "KH 77-KH-STC.pdf"
    pdf.write_bytes(born_digital_pdf())
    big = tmp_path / "ho so lon.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (MAX_UPLOAD + 1024))
    page = _login(browser, server, "vanthu")
    page.click("form button[type=submit]")
    page.wait_for_url("**/intake")
    page.fill("input[name=unit]", "Sở Tài chính")
    page.set_input_files("input[name=files]", str(big))
    assert page.locator("#files-error").is_visible() and "vượt quá giới hạn" in page.inner_text("#files-error")
    page.click("form.intake button[type=submit]")
    assert page.url.endswith("/intake") and page.input_value("input[name=unit]") == "Sở Tài chính"
    shot(page, "07-intake-too-large")
    # sent all the same (as without the script's check): the server refuses the body unread (413) and the
    # browser comes back to the intake page, which says why, the unit and date filled in again
    page.fill("input[name=received]", "2025-03-04")
    page.evaluate("document.querySelector('form.intake').removeAttribute('data-max-bytes')")
    page.click("form.intake button[type=submit]")
    page.wait_for_url("**/intake?refused=too_large")
    assert "quá lớn" in page.inner_text("#files-error")
    assert page.input_value("input[name=unit]") == "Sở Tài chính"
    assert page.input_value("input[name=received]") == "2025-03-04"
    page.set_input_files("input[name=files]", str(pdf))
    assert not page.locator("#files-error").is_visible()
    shot(page, "07-intake")
    page.click("form.intake button[type=submit]")
    page.wait_for_url("**/intake/*")
    page.wait_for_function("() => document.querySelector('#job').dataset.status === 'done'", timeout=120_000)
    assert "Xong" in page.inner_text("#job-status")
    shot(page, "08-job", full=True)
    page.click("a[href^='/documents/']")
    page.wait_for_selector("article.page")
    assert "77/KH-STC" in page.inner_text("h1")


def fits(page) -> bool:
    """Is the page no wider than the screen (tables scroll inside their boxes)?"""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_phone_menu_and_filters_fold_and_nothing_is_wider_than_the_screen(server, browser):
    page = _login(browser, server, "quantri", PHONE)
    page.click("form button[type=submit]")
    page.wait_for_url("**/search")
    menu = page.locator("button.menu-toggle")
    assert menu.is_visible() and not page.locator("header nav").is_visible()
    menu.click()
    assert page.locator("header nav").is_visible() and menu.get_attribute("aria-expanded") == "true"
    shot(page, "09-phone-menu")
    menu.click()
    filters = page.locator("button.filters-toggle")
    assert filters.is_visible() and not page.locator("#filters").is_visible()
    page.fill("input[name=q]", "kê khai tài sản")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert fits(page)
    page.locator("button.filters-toggle").click()
    assert page.locator("#filters select[name=unit]").is_visible()
    shot(page, "10-phone-search", full=True)
    for path in ("/gaps", "/gaps?unit=S%E1%BB%9F+N%E1%BB%99i+v%E1%BB%A5", "/intake", "/admin/users"):
        page.goto(server + path)
        assert fits(page), path
    page.goto(server + "/search?q=ke+khai+tai+san")
    page.click("ol.hits li.hit a.title >> nth=0")
    page.wait_for_selector("article.page")
    assert fits(page)
    shot(page, "11-phone-document")
