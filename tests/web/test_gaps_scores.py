"""The provisional scores on the web gaps page and a reviewer's override from its form: role check, CSRF, the form
kept as left when refused, the original score, the override, who, when and the note shown afterwards; and, on the
ingested samples in headless Chromium at 1366×768 and 390 px, screenshots (test-artifacts/web/gaps-scores-*.png)
with no serious or critical axe violation."""

from __future__ import annotations

import html
import json
import re
from contextlib import closing
from urllib.parse import quote

import pytest
from test_a11y import TAGS, WIDTHS, axe_source
from web_live import CHROMIUM, SHOTS, serving
from web_support import client_for, sign_in

from pipelines.catalog.db import connect
from pipelines.services import review
from pipelines.services import scores as score_service
from pipelines.services.config import Config
from pipelines.web import create_app

UNIT = "Sở Nội vụ"
PAGE = f"/gaps?unit={quote(UNIT)}"


@pytest.fixture
def empty_app(empty_home):
    app = create_app(Config(empty_home), intake_jobs=1)
    yield app
    app.state.web.intake.stop()


def test_a_reviewer_overrides_a_score_from_the_gaps_page(empty_app, empty_home):
    client = client_for(empty_app, "reviewer")
    page = client.get(PAGE).text
    assert "Điểm tạm tính toàn tỉnh" in page and f"Điểm tạm tính của {UNIT}: 0/" in page
    assert 'action="/gaps/scores"' in page and 'name="csrf_token"' in page
    assert "Không có minh chứng: 0 điểm" in page
    saved = client.post("/gaps/scores", data={"unit": UNIT, "indicator": "A.1.2", "points": "0,5",
                                              "note": "Kế hoạch bản giấy đã xem"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{PAGE}&saved=1#scores"
    after = html.unescape(client.get(saved.headers["location"]).text)
    assert "Đã lưu điểm sửa vào nhật ký." in after
    assert re.search(r"Điểm sửa 0,5 \(máy tính 0\) — ratsoat, [^:]+:\d\d: Kế hoạch bản giấy đã xem", after)
    row = re.search(r'<tr id="score-A\.1\.2">.*?</tr>', after, re.S).group(0)
    assert "0,5/1" in row and "Không có minh chứng: 0 điểm" in row  # the engine's reason beside the override
    with closing(connect(empty_home.catalog)) as db:
        assert [(e["who"], e["field"], e["after"]) for e in review.audit_log(db)] == [("ratsoat", "score:A.1.2", 0.5)]
        assert score_service.score_report(db).unit(UNIT).get("A.1.2").points == 0.5
    export = json.loads(client.get("/api/gaps/export?format=json").text)
    a11 = next(r for r in export["rows"] if (r["unit"], r["requirement"]) == (UNIT, "A.1.2"))
    assert (a11["score"], a11["score_computed"], a11["override_who"]) == (0.5, 0, "ratsoat")
    one = json.loads(client.get(f"/api/gaps/export?format=json&unit={quote(UNIT)}").text)
    assert [u["unit"] for u in one["scores"]["units"]] == [UNIT]
    assert one["scores"]["province"] == export["scores"]["province"]  # still over every unit of the plan


def test_a_refused_override_shows_the_page_with_the_form_as_left(empty_app):
    client = client_for(empty_app, "reviewer")
    refused = client.post("/gaps/scores", data={"unit": UNIT, "indicator": "A.1.2", "points": "7",
                                                "note": "điểm theo biên bản"})
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert re.search(r'id="score-error" role="alert">Điểm 7 không hợp lệ: phải từ 0 đến 1<', text)
    assert 'value="7"' in text and "điểm theo biên bản</textarea>" in text
    assert not re.search(r'name="clear" value="1"\s+checked', text)
    assert re.search(r'<option value="A\.1\.2" selected>', text)
    no_note = client.post("/gaps/scores", data={"unit": UNIT, "indicator": "A.1.2", "points": "1"})
    assert no_note.status_code == 422 and "Cần ghi chú lý do sửa điểm" in html.unescape(no_note.text)


def test_only_reviewers_with_the_csrf_token_may_override(empty_app):
    inspector = client_for(empty_app, "inspector")
    assert 'action="/gaps/scores"' not in inspector.get(PAGE).text
    form = {"unit": UNIT, "indicator": "A.1.2", "points": "1", "note": "x"}
    assert inspector.post("/gaps/scores", data=form).status_code == 403
    reviewer = client_for(empty_app, "reviewer")
    del reviewer.headers["X-CSRF-Token"]
    assert reviewer.post("/gaps/scores", data=form).status_code == 403
    assert client_for(empty_app).post("/gaps/scores", data=form).status_code in (401, 303)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_scores_on_the_samples_look_right_at_both_widths(home, browser):
    """The ingested samples with one override: the unit's scores section and the form, screenshots, axe."""
    app = create_app(Config(home), intake_jobs=1)
    with closing(connect(home.catalog)) as db:
        score_service.override(db, UNIT, "A.2.2", 2.0, "ratsoat", "Có kế hoạch tuyên truyền bản giấy, chưa quét")
    axe = axe_source()
    found = []
    try:
        with serving(app) as port:
            for width, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport, locale="vi-VN")
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/login")
                sign_in(page, "ratsoat")
                page.wait_for_load_state("networkidle")
                page.goto(f"http://127.0.0.1:{port}{PAGE}#scores")
                page.wait_for_load_state("networkidle")
                assert page.locator("#scores-title").is_visible()
                page.screenshot(path=str(SHOTS / f"gaps-scores-{width}.png"))
                page.locator("form.scoreform").scroll_into_view_if_needed()
                page.screenshot(path=str(SHOTS / f"gaps-scores-form-{width}.png"))
                # the form fits the screen: no control wider than the viewport
                box = page.locator("form.scoreform").bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
                page.goto(f"http://127.0.0.1:{port}/gaps#province")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(SHOTS / f"gaps-province-{width}.png"))
                page.goto(f"http://127.0.0.1:{port}{PAGE}#scores")
                page.wait_for_load_state("networkidle")
                page.evaluate(axe)
                found += page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: "
                                       "tags}})).violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
                                       "nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))", TAGS)
                context.close()
    finally:
        app.state.web.intake.stop()
    (SHOTS / "axe-gaps-scores.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=1)
