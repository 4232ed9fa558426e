"""A text that reports on a document (news, an article quoting a plan, a portal report) is not the document."""

from classify.indicators_reported import reports_on_document

_ARTICLE = ("Kế hoạch kê khai tài sản thu nhập năm 2025\n\nNgày 02/12/2025, UBND thành phố đã ban hành Kế hoạch "
            "177/KH-UBND thực hiện kê khai tài sản, thu nhập.\n\nCụ thể, Kế hoạch 177/KH-UBND năm 2025 nêu rõ mục "
            "đích và yêu cầu như sau:\n\n1. Mục đích\n")
_NEWS = "(PLO)- Ngày 23-9, TAND tỉnh mở phiên tòa phúc thẩm vụ bị cáo tham ô ngân sách nhà nước hơn 200 triệu đồng."
_REPOST = ("Ngày 11/10/2017, Sở Nội vụ đã ban hành Kế hoạch số 2587/KH-SNV về việc kê khai tài sản. Nội dung Kế hoạch "
           "cụ thể như sau:\n\nCăn cứ Luật phòng, chống tham nhũng ngày 29 tháng 11 năm 2005;\n")
_PLAN = ("ỦY BAN NHÂN DÂN TỈNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 10/KH-UBND\n"
         "KẾ HOẠCH\nNgày 14/01/2026, UBND tỉnh đã ban hành kế hoạch này.")


def test_articles_and_news_report_on_documents() -> None:
    assert reports_on_document(_ARTICLE)
    assert reports_on_document(_NEWS)


def test_documents_and_reposts_with_their_citations_are_documents() -> None:
    assert not reports_on_document(_REPOST)
    assert not reports_on_document(_PLAN)
    assert not reports_on_document("Sở Lao động thông báo lịch tiếp công dân năm 2022 như sau:")


def test_a_scan_whose_motto_and_number_were_lost_keeps_its_type_line() -> None:
    report = ("UBND HUYỆN\nBÁO CÁO\nKết quả công tác phòng, chống tham nhũng năm 2024\nNgày 10/01/2024, UBND huyện "
              "đã ban hành Kế hoạch số 15/KH-UBND về công tác phòng, chống tham nhũng.")
    assert not reports_on_document(report)
    assert reports_on_document(report.replace("\nBÁO CÁO\n", "\nBáo cáo tóm tắt\n"))


def test_a_reported_text_never_reaches_the_threshold() -> None:
    from classify.indexset import load_index_set
    from classify.indicators import Tagger

    tagger = Tagger(load_index_set("paca-2024"))
    tags = tagger.tag(_ARTICLE + "Kê khai, công khai bản kê khai tài sản, thu nhập năm 2025 của người có nghĩa vụ kê "
                      "khai; kế hoạch kê khai tài sản, thu nhập; xác minh tài sản, thu nhập.", doc_type="KH",
                      subject="Kế hoạch kê khai, công khai bản kê khai tài sản, thu nhập năm 2025",
                      issuer_kind="UBND_TINH")
    assert all(t.score < 0.5 for t in tags)
    assert reports_on_document("Triển khai đánh giá\n05-05-2020 07:22\nThanh tra tỉnh tổ chức hội nghị đánh giá.")
