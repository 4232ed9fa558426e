"""Judicial and inspection signatures of group C require the document to name corruption ("requires:" in the
index set): a judgment on an economic crime or an inspection of building plans is not evidence of handling
corruption; the same documents on tham ô are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classify.indexset import IndexSetError, load_index_set, parse_index_set
from classify.indicators import Tagger

_JUDGMENT = """TÒA ÁN NHÂN DÂN TỈNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bản án số: 12/2024/HS-ST
NHÂN DANH NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Ngày 15 tháng 3 năm 2024, Tòa án nhân dân tỉnh xét xử sơ thẩm công khai vụ án hình sự đối với bị cáo
Nguyễn Văn A, bị Viện kiểm sát nhân dân tỉnh truy tố về tội "{crime}".
"""


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(load_index_set("paca-2024"))


def _ids(tagger: Tagger, crime: str) -> set[str]:
    return {t.id for t in tagger.tag(_JUDGMENT.format(crime=crime), doc_type="BA", subject=None, issuer_kind="TA")}


def test_a_judgment_on_a_corruption_crime_is_criminal_handling(tagger):
    assert "C.2.2" in _ids(tagger, "Tham ô tài sản")


def test_a_judgment_on_another_crime_is_not(tagger):
    assert not {"C.1.3", "C.2.2", "D.2.1"} & _ids(tagger, "Cố ý làm trái quy định của Nhà nước về quản lý kinh tế")


def test_an_empty_requires_is_refused():
    yaml_text = Path(load_index_set("paca-2024").source_file).read_text(encoding="utf-8")
    broken = re.sub(r"requires: \[[^\]]*\]", "requires: []", yaml_text, count=1)
    with pytest.raises(IndexSetError) as err:
        parse_index_set(broken, "paca-2024.yaml")
    assert "empty 'requires'" in str(err.value)
