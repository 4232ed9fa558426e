"""The message catalog (pipelines/i18n): complete in both languages, parameters that match, the libraries'
English texts equal to the catalog's, language negotiation, stored reasons read back."""

from __future__ import annotations

import pickle
import re
import unicodedata
from pathlib import Path

import pytest

import search.analysis as analysis
from ingest import ocr, pages, sources
from ingest.ocr import OcrError
from ingest.pages import PageError
from ingest.sources import SourceError
from pipelines.assessment.formats import CSV_COLUMNS, csv_header
from pipelines.cli.helptext import help_codes
from pipelines.cli.main import main
from pipelines.i18n import (
    LANGS,
    CodedError,
    Msg,
    lang_or_none,
    message_of,
    negotiate,
    placeholders,
    read_back,
    stored_message,
    texts,
    translate,
)
from search.analysis import QueryError, parse_query

ROOT = Path(__file__).resolve().parents[2]
LIBRARY_MESSAGES = {"ingest.pages": pages.MESSAGES, "ingest.sources": sources.MESSAGES, "ingest.ocr": ocr.MESSAGES,
                    "search.analysis": analysis.MESSAGES}
# A code as the first argument of a call that makes a message: translate("…"), say("…"), SomeError("…"), Msg("…").
CODE_IN_CALL = re.compile(r"""\b(?:translate|say|Msg|\w*Error|\w*Exception|Problem)\(\s*(?:\w+,\s*)?"""
                          r"""["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")
CODE_CONSTANT = re.compile(r"""^[A-Z_]*_CODE\s*=\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""", re.M)


def codes_in_source() -> dict[str, str]:
    """Every message code the source code names, with a file that names it."""
    found: dict[str, str] = {}
    for folder in ("ingest", "search", "classify", "pipelines"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for code in CODE_IN_CALL.findall(text) + CODE_CONSTANT.findall(text):
                found.setdefault(code, str(path.relative_to(ROOT)))
    for messages in LIBRARY_MESSAGES.values():
        for code in messages:
            found.setdefault(code, "library MESSAGES")
    for column in CSV_COLUMNS:
        found.setdefault(f"gap.column.{column}", "pipelines/assessment/formats.py")
    for code in help_codes(main):  # derived from the command tree (pipelines/cli/helptext.py)
        found.setdefault(code, "pipelines/cli help screens")
    return found


def test_the_source_names_codes_and_the_scan_finds_them():
    found = codes_in_source()
    for code in ("pdf.encrypted", "zip.refused.path", "unit.missing", "ocr.worker_died", "query.unbalanced_quote",
                 "date.invalid", "correction.unknown_indicator", "pages.failed", "job.interrupted", "cli.ingest.help",
                 "cli.ingest.opt.unit_from_folder", "cli.plan.check.arg.ref", "cli.words.usage"):
        assert code in found, code


def test_every_code_in_the_source_has_a_vietnamese_and_an_english_text():
    vi, en = texts("vi"), texts("en")
    missing = {code: where for code, where in codes_in_source().items() if not vi.get(code) or not en.get(code)}
    assert not missing, missing


def test_both_catalogs_have_the_same_codes_and_the_same_parameters():
    vi, en = texts("vi"), texts("en")
    assert set(vi) == set(en)
    for code in vi:
        assert vi[code] and en[code], code
        assert placeholders(vi[code]) == placeholders(en[code]), code


def test_texts_are_nfc():
    for lang in LANGS:
        for code, text in texts(lang).items():
            assert unicodedata.normalize("NFC", text) == text, (lang, code)


@pytest.mark.parametrize("module", sorted(LIBRARY_MESSAGES))
def test_the_libraries_english_texts_are_the_catalogs(module):
    """A library error's str() is what the catalog's English text gives, so stored reasons read back."""
    en = texts("en")
    for code, text in LIBRARY_MESSAGES[module].items():
        assert en.get(code) == text, (module, code)


def test_translate_fills_parameters_in_both_languages():
    assert translate("query.unbalanced_quote", position=1).startswith("Dấu ngoặc kép ở vị trí 1")
    assert translate("query.unbalanced_quote", "en", position=1).startswith("unbalanced quote at position 1")
    reason = Msg("page.failed", {"page": 2, "reason": Msg("ocr.worker_died")})
    assert translate("pages.failed", "vi", pages=[reason]) == (
        "Có trang không xử lý được: trang 2: Tiến trình nhận dạng chữ (OCR) bị dừng đột ngột ở trang này")
    assert translate("pages.failed", "en", pages=[reason]) == "page 2: the OCR worker process died on this page"
    assert translate("no.such.code", "vi") == "no.such.code"
    assert translate("date.invalid", "vi", value="x") == "{label}: «x» không phải là ngày (YYYY-MM-DD hoặc DD/MM/YYYY)."


@pytest.mark.parametrize(("header", "lang"), [
    (None, "vi"), ("", "vi"), ("en-US,en;q=0.9", "en"), ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
    ("en-GB,vi;q=0.8", "en"), ("fr-FR,fr;q=0.9", "vi"), ("fr, en;q=0.5", "en"), ("vi;q=0.4, en;q=0.6", "en"),
    ("en;q=0, vi;q=0.1", "vi"), ("en;q=abc", "vi"), ("*", "vi"),
])
def test_negotiate_picks_the_browsers_language_vietnamese_by_default(header, lang):
    assert negotiate(header) == lang


def test_lang_names():
    assert [lang_or_none(v) for v in ("vi", "VI", "vi_VN", "en-us", "fr", "", None)] == \
        ["vi", "vi", "vi", "en", None, None, None]


def test_a_coded_error_logs_english_and_shows_the_users_language():
    error = CodedError("correction.unknown_indicator", id="Z.9.9")
    assert str(error) == "unknown indicator 'Z.9.9' (not in the active index set)"
    assert error.message() == message_of(error) == "Không có chỉ số «Z.9.9» trong bộ chỉ số đang dùng"
    assert message_of(error, "en") == str(error)
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, again.params, str(again)) == (error.code, error.params, str(error))
    assert message_of(ValueError("plain"), "vi") == "plain"


@pytest.mark.parametrize("error", [
    PageError("pdf.page_too_large", page=3, width="47", height="33", mp="140", dpi=300, limit="120"),
    PageError("pdf.corrupt", detail="EOF marker not found: (x: y)"),
    SourceError("zip.refused.path", name="../../etc/passwd"),
    SourceError("zip.too_large", total="5,000,000,000", limit="4,294,967,296"),
    OcrError("ocr.timeout", seconds="180"),
    OcrError("tesseract failed (exit 1): boom"),
    QueryError("query.prefix_too_short", prefix="th", min=3),
])
def test_library_errors_have_a_code_and_their_stored_text_reads_back(error):
    assert translate(error.code, "en", **error.params) == str(error)
    assert read_back(error.code, str(error)) == error.params
    vietnamese = stored_message(error.code, str(error), "vi")
    assert vietnamese == translate(error.code, "vi", **error.params) != str(error)
    assert stored_message(error.code, str(error), "en") == str(error)
    again = pickle.loads(pickle.dumps(error))  # errors cross process pools
    assert (type(again), again.code, again.params) == (type(error), error.code, error.params)


def test_an_engines_own_sentence_is_ocr_failed():
    error = OcrError("test engine: nothing to read on this page")
    assert (error.code, str(error)) == ("ocr.failed", "test engine: nothing to read on this page")
    assert message_of(error).startswith("Nhận dạng chữ (OCR) thất bại")
    assert OcrError("ocr.timeout").code == "ocr.failed"  # a code without its parameters is no code


def test_query_errors_carry_their_position():
    with pytest.raises(QueryError) as caught:
        parse_query('"tham nhũng')
    assert (caught.value.code, caught.value.params) == ("query.unbalanced_quote", {"position": "1"})


def test_stored_reasons_without_a_code_are_recognised_or_shown_as_stored():
    assert stored_message(None, "encrypted PDF: it needs a password; send it without protection") == \
        "Tệp PDF có mật khẩu: hãy gửi lại bản không đặt mật khẩu"
    assert stored_message(None, "something else") == "something else"
    assert stored_message("pdf.corrupt", "a reworded text") == "a reworded text"
    assert stored_message(None, None) is None


def test_the_csv_header_is_vietnamese_and_english_gives_the_machine_names():
    assert csv_header("en") == list(CSV_COLUMNS)
    vi = csv_header()
    assert vi[CSV_COLUMNS.index("status")] == "Mã tình trạng" and vi[CSV_COLUMNS.index("status_vi")] == "Tình trạng"
    assert len(set(vi)) == len(vi)
