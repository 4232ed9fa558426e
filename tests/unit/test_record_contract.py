"""The typed DocumentRecord is the one source of a document's fields: the web API's DocumentOut, the search
index's page records and the gap engine's input are derived from it. A field added to the record and not to
one of them, or a field one of them reads that the record lacks, fails here."""

from __future__ import annotations

import dataclasses
from datetime import date

from pipelines.assessment.gaps import DocInfo
from pipelines.catalog.records import FACT_FIELDS, Correction, DocumentRecord, PageInfo, SourcePart
from pipelines.services.search import PAGE_FIELDS, pages_of
from pipelines.web.models import DocumentOut
from search.model import PageRecord

RECORD_FIELDS = {f.name for f in dataclasses.fields(DocumentRecord)}
# What the API leaves out of DocumentOut on purpose: the status of a done document is always "done", and the
# error always null (quarantined files are listed by /api/quarantine).
NOT_IN_API = {"status", "error"}


def _record(**changes: object) -> DocumentRecord:
    base = DocumentRecord(
        id="abcd-1", sha256="ab" * 32, source="So-Noi-vu/kh.pdf",
        source_pages=(SourcePart("ab" * 32, "So-Noi-vu/kh.pdf", 1, 2),), unit="Sở Nội vụ",
        received="2025-03-10", status="done", error=None,
        pages=(PageInfo(1, "ocr", 91.5, "KẾ HOẠCH", True), PageInfo(2, "text", None, "Nơi nhận", True)),
        doc_type="KH", doc_type_name="Kế hoạch", doc_type_confidence=0.99, doc_type_why=("tên loại",),
        number="15", symbol="15/KH-SNV", issued="2024-01-05", place="Đắk Lắk", issuer="Sở Nội vụ",
        parent_issuer="UBND tỉnh Đắk Lắk", subject="Phòng, chống tham nhũng năm 2024", signer="Nguyễn Văn A",
        signer_title="Giám đốc", recipients=("UBND tỉnh",), indicators=({"id": "A.1.1", "score": 0.9, "why": ()},),
        in_period=True, authority="KT. Giám đốc", issuer_kind="SO", party=None,
        attachments=({"type": "QĐ", "title": "Quy chế", "source_pages": (2, 2)},),
        corrected=(Correction("requirement:SNV.CT10", True, "ratsoat", "2025-03-11T00:00:00+00:00", None),))
    return dataclasses.replace(base, **changes)


def test_every_fact_field_is_on_the_record() -> None:
    assert set(FACT_FIELDS) <= RECORD_FIELDS


def test_the_api_document_has_every_record_field() -> None:
    missing = RECORD_FIELDS - NOT_IN_API - set(DocumentOut.model_fields)
    assert not missing, f"DocumentOut lacks {sorted(missing)}"


def test_search_pages_take_their_fields_from_the_record() -> None:
    assert set(PAGE_FIELDS) <= RECORD_FIELDS
    record = _record()
    pages = list(pages_of(record))
    assert [p.page for p in pages] == [1, 2] and pages[0].text == "KẾ HOẠCH"
    filled = {f.name for f in dataclasses.fields(PageRecord)}
    for page in pages:
        assert page.issued == date(2024, 1, 5) and page.indicators == ("A.1.1",)
        for name in PAGE_FIELDS:
            assert getattr(page, name) == getattr(record, name)
    # every PageRecord field is filled from the record or its page (none left empty by accident)
    empty = [n for n in filled if getattr(pages[0], n) in (None, (), "")]
    assert not empty, f"PageRecord fields not derived from the record: {empty}"


def test_the_gap_engine_reads_the_record() -> None:
    info = DocInfo.from_record(_record())
    assert (info.id, info.unit, info.doc_type, info.issued, info.symbol) == (
        "abcd-1", "Sở Nội vụ", "KH", date(2024, 1, 5), "15/KH-SNV")
    assert info.indicators == {"A.1.1": 0.9} and info.attached == frozenset({"SNV.CT10"})
    assert info.ocr_confidence == 91.5 and info.pages == 2


def test_export_round_trip_and_corrections() -> None:
    record = _record()
    assert DocumentRecord.from_export(record.to_export()) == record
    fixed = _record(corrected=(Correction("issued", "2023-12-01", "ratsoat", "t", None),
                               Correction("indicator:B.1.9", True, "ratsoat", "t", None),
                               Correction("doc_type", "QĐ", "ratsoat", "t", None)))
    period = (date(2023, 12, 16), date(2024, 12, 15))
    effective = fixed.effective(period)
    assert effective.issued == "2023-12-01" and effective.in_period is False
    assert effective.doc_type == "QĐ" and effective.doc_type_confidence == 1.0
    assert [t["id"] for t in effective.indicators] == ["B.1.9", "A.1.1"]
    assert fixed.issued == "2024-01-05"  # frozen: the original record is unchanged
    exported = effective.to_export()
    assert list(exported)[:9] == ["id", "sha256", "source", "source_pages", "unit", "received", "status", "error",
                                  "pages"]
    assert exported["indicators"][0] == {"id": "B.1.9", "score": 1.0, "why": ["người rà soát ratsoat thêm"],
                                         "corrected": True}


def test_source_pages_are_parts_and_old_exports_stay_readable() -> None:
    """A document sent as several files lists each file's pages; an export written before documents could
    span files has ``source_pages: [first, last]`` of its own file and reads as one part."""
    photos = (SourcePart("ab" * 32, "So-Noi-vu/anh/1.jpg", 1, 1), SourcePart("cd" * 32, "So-Noi-vu/anh/2.jpg", 1, 1))
    record = _record(source_pages=photos)
    exported = record.to_export()
    assert exported["source_pages"] == [
        {"source": "So-Noi-vu/anh/1.jpg", "sha256": "ab" * 32, "pages": [1, 1]},
        {"source": "So-Noi-vu/anh/2.jpg", "sha256": "cd" * 32, "pages": [1, 1]}]
    assert DocumentRecord.from_export(exported) == record
    old = {**_record().to_export(), "source_pages": [1, 2]}
    assert DocumentRecord.from_export(old).source_pages == (SourcePart("ab" * 32, "So-Noi-vu/kh.pdf", 1, 2),)
    assert DocumentRecord.from_export(old) == _record()
    info = DocInfo.from_record(dataclasses.replace(record, pages=()))
    assert info.pages == 2
