"""The rule that joins files into documents (classify/assemble.py), on synthetic page texts, and the folder
grouping of the classification service."""

from __future__ import annotations

from classify.assemble import FilePages, Part, affected, assemble, continues_previous, natural_key
from classify.facts import document_facts
from pipelines.catalog.documents import FilePlace
from pipelines.services.classify import folder_of, folders


def header(symbol: str, title: str = "KẾ HOẠCH") -> str:
    return (f"ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"Số: {symbol}\nKrông Pắc, ngày 14 tháng 6 năm 2024\n{title}\nVề công tác phòng, chống tham nhũng\n"
            "Căn cứ Luật Phòng, chống tham nhũng năm 2018;")


BODY = "tiếp tục thực hiện các nhiệm vụ đã đề ra trong năm,\nbáo cáo kết quả về Thanh tra huyện."
SIGNATURE = ("Nơi nhận:\n- Thanh tra tỉnh;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Thị Thanh Hương")


def photos(*pages: str, stem: str = "scan_") -> list[FilePages]:
    return [FilePages(f"sha{k}", f"{stem}{k}.jpg", (text,)) for k, text in enumerate(pages, 1)]


def test_natural_order() -> None:
    names = ["scan_10.jpg", "scan_2.jpg", "Scan_1.jpg", "scan_9.jpg", "ảnh 3.png", "IMG_0011.jpg", "IMG_0002.jpg"]
    assert sorted(names, key=natural_key) == ["IMG_0002.jpg", "IMG_0011.jpg", "Scan_1.jpg", "scan_2.jpg",
                                               "scan_9.jpg", "scan_10.jpg", "ảnh 3.png"]


def test_files_without_a_header_continue_the_previous_document() -> None:
    docs = assemble(photos(header("05/KH-UBND"), BODY, BODY + "\n" + SIGNATURE))
    assert len(docs) == 1
    assert docs[0].parts == (Part("sha1", 1, 1), Part("sha2", 1, 1), Part("sha3", 1, 1))
    assert "scan_2.jpg, scan_3.jpg" in docs[0].why
    facts = document_facts(list(docs[0].texts), docs[0].first.first_page, docs[0].attachments)
    # type and number from the first photo, the signer from the last: the pages as a whole
    assert (facts["doc_type"], facts["number"], facts["signer"]) == ("KH", "05", "Nguyễn Thị Thanh Hương")


def test_a_new_header_starts_a_new_document() -> None:
    files = photos(header("05/KH-UBND"), BODY + "\n" + SIGNATURE, header("12/BC-UBND", "BÁO CÁO"), SIGNATURE)
    docs = assemble(files)
    assert [d.parts for d in docs] == [(Part("sha1", 1, 1), Part("sha2", 1, 1)),
                                      (Part("sha3", 1, 1), Part("sha4", 1, 1))]


def test_a_headerless_file_opening_with_a_type_name_is_a_document_of_its_own() -> None:
    """The real seed plan (its header never printed: "KẾ HOẠCH / Đánh giá …") after a signed file of the same
    folder is its own document; an attachment opening with its type name and a "kèm theo" caption continues."""
    plan = ("KẾ HOẠCH\nĐánh giá công tác phòng, chống tham nhũng cấp tỉnh, cấp huyện năm 2024\n"
            "Thực hiện Kế hoạch số 2613/KH-TTTP ngày 17 tháng 12 năm 2024 của Thanh tra Chính phủ")
    rules = ("QUY ĐỊNH\nVề tiêu chuẩn, định mức sử dụng xe ô tô\n"
             "(Ban hành kèm theo Quyết định số 83/2025/QĐ-UBND ngày 5 tháng 6 năm 2025)\n" + BODY)
    docs = assemble(photos(header("83/2025/QĐ-UBND", "QUYẾT ĐỊNH"), SIGNATURE, rules, plan, BODY + "\n" + SIGNATURE))
    assert [d.parts for d in docs] == [(Part("sha1", 1, 1), Part("sha2", 1, 1), Part("sha3", 1, 1)),
                                      (Part("sha4", 1, 1), Part("sha5", 1, 1))]
    assert not continues_previous(plan) and continues_previous(rules) and continues_previous(BODY)
    # "Kế hoạch" inside a body line, or a type name further down the page: still a continuation
    assert continues_previous("năm 2024 theo Kế hoạch số 15/KH-SNV;\nI. MỤC ĐÍCH\nKẾ HOẠCH")


def test_a_file_holding_several_documents_is_split_inside_and_its_last_one_continues() -> None:
    pdf = FilePages("pdf", "ho so.pdf", (header("05/KH-UBND"), BODY, header("12/BC-UBND", "BÁO CÁO"), BODY))
    tail = FilePages("jpg", "ho so trang 5.jpg", (SIGNATURE,))
    docs = assemble([pdf, tail])
    assert [d.parts for d in docs] == [(Part("pdf", 1, 2),), (Part("pdf", 3, 4), Part("jpg", 1, 1))]
    assert docs[0].why == "trang đầu của tệp"


def test_single_document_files_are_never_split_or_joined() -> None:
    """Every file with a header on its first page stays one document of its own, as before."""
    files = [FilePages(f"f{k}", f"{k}.pdf", (header(f"{k}/KH-UBND"), BODY, SIGNATURE)) for k in range(1, 4)]
    docs = assemble(files)
    assert [d.parts for d in docs] == [(Part(f"f{k}", 1, 3),) for k in range(1, 4)]
    assert all(d.why == "trang đầu của tệp" for d in docs)


def test_the_first_file_without_a_header_is_a_document_and_blank_files_are_skipped() -> None:
    docs = assemble([FilePages("a", "1.jpg", (BODY,)), FilePages("e", "2.jpg", ()), FilePages("b", "3.jpg", ("",))])
    assert [d.parts for d in docs] == [(Part("a", 1, 1), Part("b", 1, 1))]  # a blank page starts nothing


def test_an_appendix_in_its_own_file_is_an_attachment_numbered_across_the_parts() -> None:
    appendix = "PHỤ LỤC\n(Kèm theo Kế hoạch số 05/KH-UBND ngày 14/6/2024)\nDanh mục nhiệm vụ"
    docs = assemble([FilePages("a", "kh.pdf", (BODY, header("05/KH-UBND"), SIGNATURE)),
                     FilePages("b", "phu luc.jpg", (appendix,))])
    assert [d.parts for d in docs] == [(Part("a", 1, 1),), (Part("a", 2, 3), Part("b", 1, 1))]
    (attachment,) = docs[1].attachments
    assert attachment.first_page == 4 and attachment.title.startswith("PHỤ LỤC")  # page 2, 3 of kh.pdf, then 4


def test_folders_by_unit_and_folder_in_natural_order() -> None:
    places = [FilePlace("c", "/in/SNV/anh/scan_10.jpg", "in/SNV/anh/scan_10.jpg", "SNV"),
              FilePlace("a", "/in/SNV/anh/scan_9.jpg", "in/SNV/anh/scan_9.jpg", "SNV"),
              FilePlace("d", "/in/SNV/kh.pdf", "in/SNV/kh.pdf", "SNV"),
              FilePlace("z1", "/in/x.zip!d/2.jpg", "in/x.zip/d/2.jpg", "SNV"),
              FilePlace("z2", "/in/x.zip!d/10.jpg", "in/x.zip/d/10.jpg", "SNV"),
              FilePlace("o", "/in/SNV/anh/scan_11.jpg", "in/SNV/anh/scan_11.jpg", "STP")]
    assert sorted([p.sha256 for p in g] for g in folders(places)) == [["a", "c"], ["d"], ["o"], ["z1", "z2"]]
    assert folder_of("/in/x.zip!inner.zip!d/e/1.jpg") == "/in/x.zip!inner.zip!d/e"
    assert folder_of("/tmp/uploads/job1/SNV/1.jpg") == "/tmp/uploads/job1/SNV"


def test_only_the_runs_a_new_file_may_change_are_read_again() -> None:
    #          0     1      2     3     4      5     6
    starts = [True, False, True, False, True, False, True]
    none = [False] * 7

    def want(*ks: int) -> list[bool]:
        return [k in ks for k in range(7)]

    assert affected(starts, none) == []
    assert affected(starts, want(0)) == [(0, 1)]
    assert affected(starts, want(3)) == [(2, 3)]  # its run
    assert affected(starts, want(4)) == [(2, 3), (4, 5)]  # and the run before: it may take over its files
    assert affected(starts, want(1, 6)) == [(0, 1), (4, 5), (6, 6)]
    assert affected(starts, [True] * 7) == [(0, 1), (2, 3), (4, 5), (6, 6)]
    assert affected([False, False, False], want(2)) == [(0, 2)]  # no header anywhere: one run


def test_reading_the_affected_runs_alone_gives_the_folder_s_documents() -> None:
    texts = [header("1/KH-UBND"), BODY, SIGNATURE, header("2/KH-UBND"), BODY, header("3/BC-UBND", "BÁO CÁO")]
    files = photos(*texts)
    whole = assemble(files)
    starts = [not continues_previous(t) for t in texts]
    for k in range(len(files)):
        for a, b in affected(starts, [i == k for i in range(len(files))]):
            assert all(d in whole for d in assemble(files[a:b + 1]))
