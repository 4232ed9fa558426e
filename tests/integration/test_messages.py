"""The CLI speaks the user's language: quarantine reasons of the sample inbox and errors in Vietnamese by
default, in English with ``--lang en`` (or ``MINHCHUNG_LANG=en``), the message codes in JSON."""

from __future__ import annotations

import json

from clihelp import run_cli

from pipelines.i18n import translate

# The bad files of the sample inbox: code, Vietnamese and English reason (the start of it).
BAD = {
    "ban scan bi cat.pdf": ("pdf.corrupt", "Tệp PDF bị hỏng hoặc không trọn vẹn", "corrupt or truncated PDF: "),
    "trong.pdf": ("file.empty", "Tệp rỗng (0 byte)", "empty file (0 bytes)"),
    "danh sach can bo.pdf": ("file.text", translate("file.text", "vi"), translate("file.text", "en")),
    "quyet dinh co mat khau.pdf": ("pdf.encrypted", translate("pdf.encrypted", "vi"), translate("pdf.encrypted", "en")),
}


def _lines(stderr: str, prefix: str) -> dict[str, str]:
    """File name → reason of the ``<prefix>: <source>: <reason>`` lines."""
    out = {}
    for line in stderr.splitlines():
        if line.startswith(prefix):
            source, _, reason = line[len(prefix):].partition(": ")
            out[source.rsplit("/", 1)[-1]] = reason
    return out


def test_ingest_prints_each_quarantine_reason_in_vietnamese_by_default_and_english_on_request(ingested, home_copy):
    inbox = str(ingested["root"])
    vi = run_cli("--home", str(home_copy), "ingest", inbox, "--unit-from-folder", check_codes=(3,)).stderr
    en = run_cli("--home", str(home_copy), "--lang", "en", "ingest", inbox, "--unit-from-folder",
                 check_codes=(3,)).stderr
    env = run_cli("--home", str(home_copy), "ingest", inbox, "--unit-from-folder", env={"MINHCHUNG_LANG": "en"},
                  check_codes=(3,)).stderr
    vi_reasons, en_reasons = _lines(vi, "cách ly: "), _lines(en, "quarantined: ")
    assert set(vi_reasons) == set(en_reasons) == set(BAD), (vi, en)
    assert _lines(env, "quarantined: ") == en_reasons
    for name, (_code, vietnamese, english) in BAD.items():
        assert vi_reasons[name].startswith(vietnamese), (name, vi_reasons[name])
        assert en_reasons[name].startswith(english), (name, en_reasons[name])


def test_json_gives_the_code_the_stored_english_and_the_message_in_the_language(ingested, home_copy):
    summary = json.loads(run_cli("--home", str(home_copy), "ingest", str(ingested["root"]), "--unit-from-folder",
                                 "--json", check_codes=(3,)).stdout)
    status = json.loads(run_cli("--home", str(home_copy), "--lang", "en", "status", "--json", check_codes=(0,)).stdout)
    for entries, lang in ((summary["quarantined"], "vi"), (status["quarantined"], "en")):
        by_name = {q["source"].rsplit("/", 1)[-1]: q for q in entries}
        assert set(by_name) == set(BAD)
        for name, (code, vietnamese, english) in BAD.items():
            q = by_name[name]
            assert q["error_code"] == code and q["error"].startswith(english), q
            assert q["message"].startswith(vietnamese if lang == "vi" else english), q


def test_the_status_table_follows_the_language(ingested):
    home = str(ingested["home"])
    vi = run_cli("--home", home, "status", check_codes=(0,)).stdout
    en = run_cli("--home", home, "--lang", "en", "status", check_codes=(0,)).stdout
    assert "Tệp bị cách ly" in vi and "Tệp rỗng (0 byte)" in vi and "empty file" not in vi
    assert "Quarantined files" in en and "empty file (0 bytes)" in en and "Tệp rỗng" not in en


def test_the_export_gives_each_quarantined_line_its_code(ingested):
    lines = run_cli("--home", str(ingested["home"]), "export", check_codes=(0,)).stdout.splitlines()
    bad = {r["source"].rsplit("/", 1)[-1]: r for r in map(json.loads, lines) if r["status"] == "quarantined"}
    assert {name: r["error_code"] for name, r in bad.items()} == {name: v[0] for name, v in BAD.items()}


def test_cli_errors_follow_the_language(home_copy):
    vi = run_cli("--home", str(home_copy), "correct", "khong-co", "--type", "KH", check_codes=(2,)).stderr
    en = run_cli("--home", str(home_copy), "--lang", "en", "correct", "khong-co", "--type", "KH",
                 check_codes=(2,)).stderr
    assert "Không có văn bản mã «khong-co»" in vi
    assert "no document 'khong-co'" in en
    bad_date = run_cli("--home", str(home_copy), "search", "thuế", "--from", "2024-02-30", check_codes=(2,)).stderr
    assert "«2024-02-30» không phải là ngày dạng YYYY-MM-DD" in bad_date
