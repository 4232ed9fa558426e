"""The web app's features through its HTTP interface (FastAPI's TestClient, no server): uploads ingested in
the background, downloads by id, search with marks and boxes, corrections into the audit log and the search
index, the gaps page and exports, quarantine. Real OCRed sample documents (fixtures in conftest.py)."""

from __future__ import annotations

import io
import re
import time
import zipfile
from contextlib import closing

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from web_support import born_digital_pdf, client_for

from ingest.text import fold
from pipelines.catalog.db import connect


@pytest.mark.parametrize("files,data,expected", [
    ({"files": ("ghi chu.txt", b"Danh sach can bo\n" * 20, "text/plain")},
     {"unit": "Sở Tài chính", "received": "2025-03-01"}, "Loại tệp không được nhận"),
    ({"files": ("a.pdf", b"%PDF-1.4 x")}, {"unit": "Sở Không Có", "received": "2025-03-01"}, "không có trong kế hoạch"),
    ({"files": ("a.pdf", b"%PDF-1.4 x")}, {"unit": "Sở Tài chính", "received": "01-03-2025"}, "received"),
    ({"files": ("a.pdf", b"%PDF-1.4 x")}, {"unit": "Sở Tài chính", "received": "2999-01-01"}, "tương lai"),
    (None, {"unit": "Sở Tài chính", "received": "2025-03-01"}, "files"),
])
def test_uploads_of_wrong_types_units_or_dates_are_refused(app, files, data, expected):
    response = client_for(app, "clerk").post("/api/uploads", files=files, data=data)
    assert response.status_code == 422 and expected in response.text, response.text
    assert not any(app.state.web.intake.uploads.glob("*/*/*")), "nothing may be stored"


def test_uploads_over_the_size_limit_get_413(app):
    client = client_for(app, "clerk")
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    response = client.post("/api/uploads", files={"files": ("big.pdf", big)},
                           data={"unit": "Sở Tài chính", "received": "2025-03-01"})
    assert response.status_code == 413 and "quá lớn" in response.json()["detail"]

    def chunks():  # no Content-Length: the body is counted as it arrives
        yield b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"b.pdf\"\r\n\r\n%PDF-1.4\n"
        for _ in range(4):
            yield b"0" * (1024 * 1024)
        yield b"\r\n--x--\r\n"

    response = client.post("/api/uploads", content=chunks(),
                           headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 413


def wait_for(client: TestClient, job: dict, started: float) -> dict:
    """Poll the job's progress endpoint until the background ingest has finished."""
    while job["status"] in ("queued", "running"):
        assert time.monotonic() - started < 120, job
        time.sleep(0.2)
        job = client.get(f"/api/uploads/{job['id']}").json()
    assert job["status"] == "done", job
    return job


def test_a_clerk_uploads_a_born_digital_pdf_processed_in_the_background(app):
    clerk = client_for(app, "clerk")
    data = born_digital_pdf()
    started = time.monotonic()
    response = clerk.post("/api/uploads", files=[("files", ("../../KH 77-KH-STC.pdf", data, "application/pdf"))],
                          data={"unit": "sở tài chính", "received": "2025-03-05"})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] in ("queued", "running") and job["unit"] == "Sở Tài chính"
    assert job["files"] == ["KH 77-KH-STC.pdf"]  # no folder part of the client's name survives
    job = wait_for(clerk, job, started)
    assert job["summary"]["new_files"] == 1 and job["summary"]["pages_text"] >= 1 and not job["quarantined"]
    [doc] = job["documents"]
    page = clerk.get(f"/intake/{job['id']}")
    assert page.status_code == 200 and "Xong" in page.text and f"/documents/{doc}" in page.text
    assert any(j["id"] == job["id"] for j in clerk.get("/api/uploads").json())
    record = clerk.get(f"/api/documents/{doc}").json()
    assert record["unit"] == "Sở Tài chính" and record["received"] == "2025-03-05"
    assert record["doc_type"] == "KH" and record["symbol"] == "77/KH-STC"
    original = clerk.get(f"/api/documents/{doc}/original")
    assert original.status_code == 200 and original.content == data
    assert original.headers["content-type"] == "application/pdf"
    hits = clerk.get("/api/search", params={"q": "hoa don dien tu"}).json()
    assert any(h["doc_id"] == doc for h in hits["hits"])
    assert not any(app.state.web.intake.uploads.glob("*/*/*")), "the upload folder is removed after ingest"


def test_a_zip_upload_is_unpacked_and_its_bad_members_quarantined(app):
    clerk = client_for(app, "clerk")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ho so/KH 77-KH-STC.pdf", born_digital_pdf())
        zf.writestr("ho so/ghi chu.txt", "Danh sách cán bộ phải kê khai\n" * 20)
    response = clerk.post("/api/uploads", files={"files": ("ho so STC.zip", buf.getvalue(), "application/zip")},
                          data={"unit": "Sở Tài chính", "received": "2025-03-06"})
    assert response.status_code == 202, response.text
    job = wait_for(clerk, response.json(), time.monotonic())
    assert len(job["documents"]) == 1 and job["summary"]["archives"] == 1
    [bad] = job["quarantined"]
    assert bad["source"].endswith("ho so STC.zip/ho so/ghi chu.txt") and "unsupported type" in bad["error"]
    assert "ghi chu.txt" in clerk.get(f"/intake/{job['id']}").text


def test_downloads_are_by_document_id(app, home, doc_id):
    client = client_for(app, "inspector")
    with closing(connect(home.catalog)) as db:
        sha = db.execute("SELECT sha256 FROM documents WHERE id=?", (doc_id,)).fetchone()[0]
    original = client.get(f"/api/documents/{doc_id}/original")
    assert original.content == home.blob_path(sha).read_bytes()
    assert "KH%2015-KH-SNV" in original.headers["content-disposition"]
    pdf = client.get(f"/api/documents/{doc_id}/searchable.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and len(pdf.content) > 10_000
    image = client.get(f"/api/documents/{doc_id}/pages/1/image")
    assert image.headers["content-type"] == "image/jpeg" and image.content[:3] == b"\xff\xd8\xff"
    assert client.get("/api/documents/%2E%2E%2Fcatalog.sqlite3/original").status_code == 404


def test_search_without_diacritics_marks_hits_and_pages(app):
    client = client_for(app, "inspector")
    result = client.get("/api/search", params={"q": "ke khai tai san", "limit": 2}).json()
    assert result["total"] >= 2 and len(result["hits"]) == 2
    assert all("<mark>" in h["snippet_html"] and h["page"] >= 1 for h in result["hits"])
    assert result["facets"]["unit"] and result["facets"]["doc_type"]
    page = client.get("/search", params={"q": "ke khai tai san", "unit": "Sở Tư pháp"})
    assert page.status_code == 200 and "<mark>" in page.text and "trang 1" in page.text.lower()  # "Trang 1" link
    assert "Sở Tư pháp" in page.text and "Đơn vị" in page.text
    # results are one entry per document (13 demo documents fit one page); a page past the end shows the last
    first = client.get("/search", params={"q": "tham nhung"})
    assert "văn bản" in first.text and "<mark>" in first.text and "Trang trước" not in first.text
    past = client.get("/search", params={"q": "tham nhung", "page": 2})
    assert past.status_code == 200 and "<mark>" in past.text
    escaped = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert" not in escaped.text


def test_document_page_shows_facts_marks_and_boxes(app, doc_id):
    client = client_for(app, "inspector")
    page = client.get(f"/documents/{doc_id}", params={"q": "tham nhung"})
    assert page.status_code == 200
    assert "15/KH-SNV" in page.text and "Kế hoạch" in page.text and "Tải bản gốc" in page.text
    assert page.text.count("<mark>") >= 2 and page.text.count('class="box"') >= 2
    assert 'id="review"' not in page.text  # an inspector gets no correction form


@pytest.mark.parametrize("symbol,query", [("15/KH-SNV", "tham nhung"), ("27/KH-STP", "van ban quy pham phap luat")])
def test_hit_boxes_lie_on_the_printed_words(app, home, symbol, query):
    """Boxes found on the cleaned image, mapped back to the original page (27/KH-STP is scanned 3° askew
    with dark borders: without the inverse matrix the boxes miss the words lower on the page)."""
    client = client_for(app, "inspector")
    with closing(connect(home.catalog)) as db:
        doc = db.execute("SELECT id, first_page, last_page FROM documents WHERE facts LIKE ?",
                         (f"%{symbol}%",)).fetchone()
    boxes = 0
    for page in range(1, doc["last_page"] - doc["first_page"] + 2):
        data = client.get(f"/api/documents/{doc['id']}/pages/{page}", params={"q": query}).json()
        image = Image.open(io.BytesIO(client.get(data["image_url"]).content)).convert("L")
        assert image.size == (data["image_width"], data["image_height"]) and data["image_width"] == 1100
        pixels = np.asarray(image, dtype=float)
        h, w = pixels.shape
        page_ink = 255 - pixels[h // 10: 9 * h // 10, w // 10: 9 * w // 10].mean()  # inside the scan borders
        for box in data["boxes"]:
            word = re.sub(r"\W+", "", fold(box["text"]))
            assert word in fold(query).split(), box  # folded: "những" matches "nhung" too
            crop = image.crop((box["left"], box["top"], box["left"] + box["width"], box["top"] + box["height"]))
            # on the printed word a box is ≥ 2.1× as dark as the page; off by the skew or crop, ≤ 0.3×
            assert 255 - np.asarray(crop).mean() > 1.5 * page_ink, (page, box)
            boxes += 1
    assert boxes >= 4


def test_a_reviewer_correction_shows_in_the_audit_log_and_in_search(app, doc_id):
    reviewer = client_for(app, "reviewer")
    assert client_for(app, "inspector").get("/api/search", params={"q": "tham nhung", "type": "BC"}).json()["hits"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', reviewer.get(f"/documents/{doc_id}").text).group(1)
    response = reviewer.post(f"/documents/{doc_id}/corrections",
                             data={"csrf_token": token, "doc_type": "CTr", "issued": "2024-01-12",
                                   "add_indicator": "B.1.9", "remove_indicator": "A.1.2",
                                   "attach_requirement": "SNV.CT10",
                                   "note": "Thực chất là chương trình"})
    assert response.status_code == 303 and "saved=5" in response.headers["location"]
    audit = reviewer.get(f"/api/documents/{doc_id}/audit").json()
    fields = {e["field"]: e for e in audit}
    assert fields["doc_type"]["before"] == "KH" and fields["doc_type"]["after"] == "CTr"
    assert fields["doc_type"]["who"] == "ratsoat" and fields["doc_type"]["note"] == "Thực chất là chương trình"
    assert fields["issued"]["before"] == "2024-01-10" and fields["issued"]["after"] == "2024-01-12"
    assert fields["indicator:B.1.9"]["after"] is True and fields["indicator:A.1.2"]["after"] is False
    assert fields["requirement:SNV.CT10"]["before"] is False and fields["requirement:SNV.CT10"]["after"] is True
    record = client_for(app, "inspector").get(f"/api/documents/{doc_id}").json()
    assert record["doc_type"] == "CTr" and record["issued"] == "2024-01-12"
    assert {t["id"] for t in record["indicators"]} == {"A.1.3", "B.1.9"}
    page = client_for(app, "inspector").get(f"/documents/{doc_id}")
    assert "Thực chất là chương trình" in page.text and "ratsoat" in page.text and "SNV.CT10" in page.text
    hits = client_for(app, "inspector").get("/api/search", params={"q": "tham nhung", "type": "CTr"}).json()["hits"]
    assert {h["doc_id"] for h in hits} == {doc_id}
    gaps = client_for(app, "inspector").get("/api/gaps", params={"unit": "Sở Nội vụ"}).json()
    cell = next(c for c in gaps["units"][0]["cells"] if c["requirement"] == "SNV.CT10")
    assert cell["status"] == "present" and doc_id in cell["documents"]
    # the same values again change nothing
    again = reviewer.post(f"/documents/{doc_id}/corrections", data={"csrf_token": token, "doc_type": "CTr"})
    assert again.status_code == 422 and "Không có thay đổi" in again.text


def test_gaps_page_matrix_drilldown_and_exports(app):
    client = client_for(app, "inspector")
    page = client.get("/gaps")
    assert page.status_code == 200 and 'id="matrix"' in page.text and "Sở Nội vụ" in page.text
    unit = client.get("/gaps", params={"unit": "Sở Nội vụ"})
    assert "/documents/" in unit.text and "Lý do" in unit.text and "Đủ" in unit.text
    exports = {fmt: client.get("/api/gaps/export", params={"format": fmt}) for fmt in ("xlsx", "csv", "html")}
    assert exports["xlsx"].content[:2] == b"PK" and exports["csv"].text.startswith("\ufeffKế hoạch,Đơn vị")
    assert "<table" in exports["html"].text and "attachment" in exports["html"].headers["content-disposition"]


def test_quarantined_files_are_listed_with_reasons(app):
    quarantined = client_for(app, "clerk").get("/api/quarantine").json()
    assert {q["error"] for q in quarantined if "trong.pdf" in q["source"]} == {"empty file (0 bytes)"}
    assert "Tệp PDF có mật khẩu" in client_for(app, "clerk").get("/intake").text  # the reason in Vietnamese
