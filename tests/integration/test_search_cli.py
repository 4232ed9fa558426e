"""Search through the CLI on the ingested sample inbox: the index kept with the catalog."""

from __future__ import annotations

import json
import sqlite3

from clihelp import run_cli


def search(home, *args: str) -> dict:
    return json.loads(run_cli("--home", str(home), "search", *args, "--json", check_codes=(0,)).stdout)


def test_found_with_and_without_diacritics(ingested):
    home = ingested["home"]
    exact, folded = search(home, "kê khai tài sản"), search(home, "ke khai tai san")
    assert exact["total"] == folded["total"] > 3
    assert "245/KH-UBND" in {h["symbol"] for h in folded["hits"]}
    assert any("**kê khai" in h["snippet"].lower() for h in folded["hits"])
    assert search(home, "Đắk Lắk")["total"] == search(home, "dak lak")["total"] > 5
    phrase = search(home, '"thanh toán không dùng tiền mặt"')
    assert phrase["hits"][0]["symbol"] == "05/CT-UBND"
    assert phrase["facets"]["doc_type"]["CT"] >= 1


def test_filters_and_page_numbers(ingested):
    home = ingested["home"]
    typed = search(home, "tham nhũng", "--type", "KH", "--limit", "50")
    assert typed["hits"] and {h["doc_type"] for h in typed["hits"]} == {"KH"}
    unit = search(home, "tham nhũng", "--unit", "Sở Tư pháp", "--limit", "50")
    assert unit["hits"] and {h["unit"] for h in unit["hits"]} == {"Sở Tư pháp"}
    # the code of conduct is pages 4–5 of a two-document PDF: hits count pages inside the document
    conduct = search(home, '"quy tắc ứng xử"', "--type", "QĐ")
    assert conduct["hits"] and all(h["doc_id"].endswith("-4") and h["page"] in (1, 2) for h in conduct["hits"])
    dated = search(home, "tham nhũng", "--from", "2024-01-01", "--to", "2024-03-31", "--limit", "50")
    assert dated["hits"] and all("2024-01-01" <= h["issued"] <= "2024-03-31" for h in dated["hits"])
    out = search(home, "tham nhũng", "--out-of-period", "--limit", "50")
    assert {h["symbol"] for h in out["hits"]} <= {"05/CT-UBND", "186/BC-UBND", "1520/BC-CAT-PC03"}


def test_table_output_and_bad_query(ingested):
    out = run_cli("--home", str(ingested["home"]), "search", "ke khai", "--limit", "3", check_codes=(0,)).stdout
    assert "trang khớp «ke khai»" in out and "Số ký hiệu" in out
    proc = run_cli("--home", str(ingested["home"]), "search", '"kê khai', check_codes=(2,))
    assert "Dấu ngoặc kép ở vị trí 1 chưa được đóng" in proc.stderr
    proc = run_cli("--home", str(ingested["home"]), "--lang", "en", "search", '"kê khai', check_codes=(2,))
    assert "unbalanced quote at position 1" in proc.stderr


def test_corrections_reach_the_index_and_reindex_rebuilds(home_copy):
    doc = search(home_copy, "chuyển đổi vị trí công tác", "--type", "KH")["hits"][0]["doc_id"]
    run_cli("--home", str(home_copy), "correct", doc, "--type", "BC", "--indicator", "+D.1.1", "--issued", "2023-01-05",
            check_codes=(0,))
    hits = search(home_copy, "chuyển đổi vị trí công tác", "--type", "BC", "--indicator", "D.1.1")["hits"]
    assert doc in {h["doc_id"] for h in hits}
    # the corrected date is outside the period, and the index knows it
    assert doc in {h["doc_id"] for h in search(home_copy, "chuyển đổi vị trí công tác", "--out-of-period")["hits"]}
    assert doc not in {h["doc_id"] for h in search(home_copy, "chuyển đổi vị trí công tác", "--in-period")["hits"]}
    pages = int(run_cli("--home", str(home_copy), "reindex", check_codes=(0,)).stdout.split()[0])
    db = sqlite3.connect(home_copy / "catalog.sqlite3")
    assert pages == db.execute("SELECT count(*) FROM pages p JOIN files f USING (sha256) "
                               "WHERE f.status='done'").fetchone()[0]
    # an index of another layout version is rebuilt before the next search
    db.execute("UPDATE search_meta SET value='0' WHERE key='schema_version'")
    db.commit()
    db.close()
    assert doc in {h["doc_id"] for h in search(home_copy, "chuyen doi vi tri", "--type", "BC")["hits"]}


def test_unreachable_elasticsearch_is_reported_not_fatal(home_copy):
    env = {"MINHCHUNG_ELASTICSEARCH_URL": "http://127.0.0.1:9"}  # nothing listens on port 9
    proc = run_cli("--home", str(home_copy), "classify", "--all", env=env, check_codes=(0,))
    assert "Elasticsearch not updated" in proc.stderr and "reindex --backend elasticsearch" in proc.stderr
    proc = run_cli("--home", str(home_copy), "search", "tham nhũng", env=env, check_codes=(1,))
    assert "Máy tìm kiếm elasticsearch bị lỗi" in proc.stderr and "--backend sqlite" in proc.stderr
    assert search(home_copy, "tham nhũng", "--backend", "sqlite")["total"] > 0
