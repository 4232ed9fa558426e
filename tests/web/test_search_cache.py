"""The search page keeps its filter lists and rendered results per catalog state (pipelines/web/viewcache.py):
a change to the catalog — a correction, a new unit list — must show on the very next request."""

from __future__ import annotations

from contextlib import closing

from web_support import client_for

from pipelines.assessment.plan import Unit
from pipelines.assessment.units import save_units
from pipelines.catalog.db import connect
from pipelines.services.active import active_plan
from pipelines.services.review import Change, review
from pipelines.web.viewcache import ViewCache, fingerprint


def test_a_correction_shows_on_the_next_search_page(app, home):
    client = client_for(app, "inspector")
    before = client.get("/search", params={"q": "chuyển đổi vị trí công tác"})
    assert before.status_code == 200 and "Trích yếu sửa bởi người rà soát" not in before.text
    cache = app.state.web.views
    kept = len(cache)
    assert client.get("/search", params={"q": "chuyển đổi vị trí công tác"}).text == before.text
    assert len(cache) == kept  # the second page came from the cache
    with closing(connect(home.catalog)) as db:
        doc = db.execute("SELECT id FROM documents WHERE facts LIKE '%15/KH-SNV%'").fetchone()["id"]
        review(db, app.state.web.config, doc, [Change("subject", "Trích yếu sửa bởi người rà soát")], "ratsoat")
    after = client.get("/search", params={"q": "chuyển đổi vị trí công tác"})
    assert "Trích yếu sửa bởi người rà soát" in after.text


def test_a_new_unit_list_shows_in_the_filter_on_the_next_page(app, home):
    client = client_for(app, "inspector")
    assert "Ban Quản lý dự án thử nghiệm" not in client.get("/search", params={"q": "kế hoạch"}).text
    with closing(connect(home.catalog)) as db:
        plan = active_plan(db)
        save_units(db, [*plan.units, Unit("Ban Quản lý dự án thử nghiệm", "SO")], plan.id)
    assert "Ban Quản lý dự án thử nghiệm" in client.get("/search", params={"q": "kế hoạch"}).text


def test_the_kept_filter_lists_show_each_request_its_own_choice(app):
    client = client_for(app, "inspector")
    units = ["Sở Nội vụ", "Sở Tư pháp"]  # (units of the plan)
    for unit in [*units, "", units[0]]:
        page = client.get("/search", params={"q": "kế hoạch", "unit": unit, "type": "KH"}).text
        chosen = [name for name in units if f"<option selected>{name}</option>" in page]
        assert chosen == ([unit] if unit else []) and '<option value="KH" selected>' in page


def test_a_catalog_without_a_search_index_is_not_cached(tmp_path):
    with closing(connect(tmp_path / "catalog.sqlite3")) as db:
        assert fingerprint(db) is None


def test_the_view_cache_keeps_the_most_recently_used():
    cache = ViewCache(size=2)
    made: list[str] = []

    def make(value: str):
        return lambda: made.append(value) or value

    assert cache.get_or_make("a", make("a")) == "a"
    cache.get_or_make("b", make("b"))
    cache.get_or_make("a", make("a2"))  # a is used again: b is now the oldest
    cache.get_or_make("c", make("c"))
    assert cache.get_or_make("a", make("a3")) == "a" and cache.get_or_make("b", make("b2")) == "b2"
    assert cache.get_or_make(None, make("n")) == "n" and len(cache) == 2
    assert made == ["a", "b", "c", "b2", "n"]
