"""A deterministic generator of realistic Vietnamese administrative pages for the search benchmark.

Documents of 1–8 pages each (one to three documents per file) from 300 units, with the facts a
classified document carries (type, số/ký hiệu, issue date across 2023–2025, in-period flag, indicators,
OCR method and confidence). Page text is 1,500–2,500 characters: a header block on the first page, then
sentences from templates filled with PCTN phrases (mostly about the document's own topic), laws, units,
people, places and projects — the long tail of names gives a realistic vocabulary. One sentence in
twelve is a stock PCTN sentence, about a third general administrative ones (budget, schools, health,
farming), the rest composed from openings, actors, verbs, the topic and closings, so a given phrase
occurs on a realistic share of pages. OCR pages with low confidence get OCR-typical slips (a wrong
tone mark, a dropped mark) so folded matching has real work to do.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import date, timedelta

from search.model import PageRecord

DOC_TYPES = {
    "KH": "KẾ HOẠCH", "QĐ": "QUYẾT ĐỊNH", "CT": "CHỈ THỊ", "BC": "BÁO CÁO", "NQ": "NGHỊ QUYẾT",
    "TB": "THÔNG BÁO", "CV": "CÔNG VĂN", "HD": "HƯỚNG DẪN", "CTr": "CHƯƠNG TRÌNH", "TTr": "TỜ TRÌNH",
}
TYPE_WEIGHTS = [18, 12, 4, 26, 3, 6, 20, 5, 3, 3]
DEPARTMENTS = [
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng", "Sở Giao thông vận tải",
    "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Công Thương", "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Thanh tra tỉnh", "Văn phòng UBND tỉnh",
    "Ban Dân tộc tỉnh", "Công an tỉnh", "Viện kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh",
    "Cục Thi hành án dân sự tỉnh", "Kho bạc Nhà nước tỉnh", "Cục Thuế tỉnh", "Ủy ban MTTQ Việt Nam tỉnh",
]
SYLLABLES = [
    "An", "Bình", "Cẩm", "Châu", "Chư", "Cư", "Đắk", "Đông", "Đức", "Giang", "Hà", "Hải", "Hòa", "Hưng", "Khánh",
    "Krông", "Lạc", "Lắk", "Lâm", "Lệ", "Long", "Mỹ", "Nam", "Nghĩa", "Ninh", "Phong", "Phú", "Phúc", "Quang",
    "Quảng", "Sơn", "Tân", "Thạch", "Thành", "Thạnh", "Thuận", "Tiến", "Trà", "Trung", "Tuy", "Văn", "Vĩnh", "Xuân",
    "Yên", "Ea", "Buôn", "Hồ", "Pắc", "Păh", "Prông", "Ia", "Bông", "Kar", "Pơng", "Thủy", "Điện", "Bàn", "Liên",
    "Hợp", "Đồng", "Nguyên", "Cường"
]
FAMILY = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý", "H'Hen", "Y"
]
MIDDLE = [
    "Văn", "Thị", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Ngọc", "Xuân", "Thu", "Bảo", "Công", "Đình", "Kim", "Mạnh"
]
GIVEN = [
    "An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương",
    "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc", "Nhung", "Phong", "Phúc", "Phương", "Quân", "Quang",
    "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Trí", "Trung", "Tuấn", "Tùng", "Vân", "Việt", "Vinh", "Yến"
]
TOPICS = [
    "kê khai tài sản, thu nhập", "kiểm soát tài sản, thu nhập", "chuyển đổi vị trí công tác",
    "công khai, minh bạch trong hoạt động của cơ quan", "xây dựng và thực hiện chế độ, định mức, tiêu chuẩn",
    "thực hiện quy tắc ứng xử của người có chức vụ, quyền hạn", "kiểm soát xung đột lợi ích",
    "cải cách hành chính", "thanh toán không dùng tiền mặt", "tặng quà và nhận quà tặng",
    "trách nhiệm của người đứng đầu", "tiếp công dân", "giải quyết khiếu nại, tố cáo",
    "thanh tra, kiểm tra việc chấp hành pháp luật về phòng, chống tham nhũng", "mua sắm tài sản công",
    "đấu thầu, chỉ định thầu", "quản lý, sử dụng đất đai", "đầu tư xây dựng cơ bản", "quản lý ngân sách nhà nước",
    "thực hành tiết kiệm, chống lãng phí", "phòng ngừa tham nhũng, tiêu cực", "phát hiện, xử lý tham nhũng",
    "thu hồi tài sản tham nhũng", "bảo vệ người tố cáo", "phòng, chống tham nhũng trong khu vực ngoài nhà nước",
    "tuyên truyền, phổ biến, giáo dục pháp luật", "rà soát văn bản quy phạm pháp luật",
    "xử lý kỷ luật cán bộ, công chức, viên chức", "quản lý vốn đầu tư công", "cấp giấy chứng nhận quyền sử dụng đất",
    "giải phóng mặt bằng", "bồi thường, hỗ trợ, tái định cư", "điều tra, truy tố, xét xử các vụ án tham nhũng",
    "thi hành án dân sự đối với các vụ việc tham nhũng", "giám sát của Mặt trận Tổ quốc",
    "số hóa hồ sơ, tài liệu", "dịch vụ công trực tuyến", "quản lý thuế", "hoạt động thanh tra công vụ",
]
LAWS = [
    "Luật Phòng, chống tham nhũng năm 2018", "Nghị định số 59/2019/NĐ-CP", "Nghị định số 130/2020/NĐ-CP",
    "Chỉ thị số 10/CT-TTg ngày 22/4/2019", "Nghị định số 30/2020/NĐ-CP", "Luật Tiếp công dân năm 2013",
    "Luật Tố cáo năm 2018", "Luật Khiếu nại năm 2011", "Thông tư số 08/2013/TT-TTCP", "Nghị quyết số 126/NQ-CP",
    "Kết luận số 12-KL/TW", "Chỉ thị số 27-CT/TW", "Nghị định số 134/2021/NĐ-CP", "Luật Thanh tra năm 2022",
]
VERBS = ["triển khai", "tổ chức thực hiện", "quán triệt", "kiểm tra, đôn đốc", "báo cáo kết quả",
         "rà soát", "tổng hợp", "theo dõi, hướng dẫn", "chỉ đạo", "tham mưu"]
SENTENCES = [
    "Căn cứ {law}, {unit} xây dựng kế hoạch {topic} năm {year}.",
    "{Unit} đã {verb} {topic} tại {n} cơ quan, đơn vị trực thuộc; kết quả đạt {pct}% so với kế hoạch.",
    "Trong kỳ, đã tiếp nhận {n} đơn thư liên quan đến {topic}, trong đó có {m} đơn thuộc thẩm quyền.",
    "Giao {unit} chủ trì, phối hợp với {unit2} {verb} {topic}, hoàn thành trước ngày {date}.",
    "Ông {person}, {title}, chịu trách nhiệm {verb} việc {topic} tại {place}.",
    "Qua thanh tra dự án {project}, phát hiện sai phạm với số tiền {money} đồng, kiến nghị thu hồi {money2} đồng.",
    "Thực hiện {law}, trong năm {year} có {n} người thực hiện kê khai tài sản, thu nhập, đạt {pct}%.",
    "Đã chuyển đổi vị trí công tác đối với {n} công chức, viên chức theo {law}.",
    "Kết quả {topic} được công khai trên cổng thông tin điện tử của {unit}.",
    "Bà {person}, {title}, đề nghị {unit} tăng cường {topic} trong thời gian tới.",
    "Đoàn kiểm tra làm việc tại {place} từ ngày {date} đến ngày {date2} về {topic}.",
    "Tồn tại, hạn chế: việc {topic} ở một số đơn vị còn chậm, chưa đúng quy định.",
    "Nguyên nhân chủ yếu là do người đứng đầu chưa quan tâm chỉ đạo {topic}.",
    "Kiến nghị Thanh tra tỉnh xem xét, xử lý trách nhiệm đối với tập thể, cá nhân có sai phạm trong {topic}.",
    "Tổ chức {n} hội nghị tuyên truyền {law} cho {m} lượt cán bộ, công chức và Nhân dân tại {place}.",
    "Các vụ việc tham nhũng được phát hiện đều được xử lý nghiêm, không có vùng cấm, không có ngoại lệ.",
    "Tiếp tục thực hiện nghiêm {law} và các văn bản hướng dẫn thi hành.",
    "Đơn vị đã ban hành {n} văn bản chỉ đạo, hướng dẫn về {topic}.",
]
OPENINGS = ["Trong năm {year},", "Thực hiện {law},", "Theo báo cáo của {unit2},", "Quý {q} năm {year},",
            "Căn cứ kết quả kiểm tra,", "Để nâng cao hiệu quả công tác,", "Từ ngày {date},", "Sau {n} ngày triển khai,",
            "Trên cơ sở đề nghị của {unit2},", "Thời gian qua,", "Tính đến ngày {date},", "Về nhiệm vụ trọng tâm,",
            "Trước yêu cầu nhiệm vụ mới,", "Theo chỉ đạo của UBND tỉnh,", "Tại hội nghị sơ kết,"]
CLOSINGS = ["tại {n} cơ quan, đơn vị", "đạt {pct}% kế hoạch", "theo đúng quy định", "bảo đảm tiến độ đề ra",
            "đối với {n} trường hợp", "trên địa bàn {place}", "cho {m} lượt cán bộ", "trong quý {q}",
            "với tổng kinh phí {money} đồng", "trước ngày {date}", "và báo cáo kết quả về {unit2}",
            "gắn với đánh giá, xếp loại cuối năm", "thông qua phần mềm quản lý văn bản", "ở cả ba cấp tỉnh, huyện, xã"]
GENERAL = [
    "Tổng thu ngân sách nhà nước trên địa bàn ước đạt {money} đồng, bằng {pct}% dự toán.",
    "Giải ngân vốn đầu tư công đến ngày {date} đạt {pct}% kế hoạch vốn được giao.",
    "Ngành giáo dục tổ chức kỳ thi cho {n} thí sinh tại {m} điểm thi an toàn, nghiêm túc.",
    "Trạm y tế {place} tiếp nhận {n} lượt khám, chữa bệnh, tiêm chủng mở rộng đạt {pct}%.",
    "Diện tích gieo trồng vụ đông xuân đạt {n} ha, năng suất lúa bình quân {m} tạ/ha.",
    "Công trình {project} khởi công ngày {date}, dự kiến hoàn thành trong quý {q}.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn qua dịch vụ công trực tuyến đạt {pct}%.",
    "Lực lượng chức năng kiểm tra {n} cơ sở kinh doanh, xử phạt vi phạm hành chính {money} đồng.",
    "Tổ chức {m} lớp bồi dưỡng kỹ năng chuyển đổi số cho {n} học viên.",
    "Số doanh nghiệp thành lập mới là {n} doanh nghiệp với tổng vốn đăng ký {money} đồng.",
    "Mưa lớn làm sạt lở {m} điểm trên tuyến đường {project}, đã khắc phục xong.",
    "Cấp mới {n} thẻ bảo hiểm y tế cho người thuộc hộ nghèo, hộ cận nghèo.",
    "Hội đồng nhân dân {place} tổ chức kỳ họp thứ {m}, thông qua {n} nghị quyết.",
    "Đoàn thanh niên ra quân vệ sinh môi trường tại {place} với {n} đoàn viên tham gia.",
    "Chương trình mục tiêu quốc gia xây dựng nông thôn mới: {place} đạt {m}/19 tiêu chí.",
]
TITLES = ["Giám đốc", "Phó Giám đốc", "Chánh Thanh tra", "Chủ tịch UBND", "Phó Chủ tịch UBND", "Trưởng phòng",
          "Chánh Văn phòng", "Bí thư", "Thủ trưởng cơ quan"]
INDICATORS = [f"{g}.{c}.{i}" for g, cs in (("A", 4), ("B", 3), ("C", 3)) for c in range(1, cs + 1)
              for i in range(1, 6)]
PERIOD = (date(2023, 12, 16), date(2024, 12, 15))
_SLIPS = {"ũ": "ữ", "ữ": "ũ", "ơ": "o", "ư": "u", "ắ": "ă", "ả": "ã", "ã": "ả", "ệ": "ê", "ờ": "ở",
          "ạ": "a", "ổ": "ỗ", "ị": "i", "ấ": "â", "ộ": "ô", "à": "á", "ó": "ò", "ề": "ế", "đ": "d"}


def _name(rnd: random.Random, parts: int = 2) -> str:
    return " ".join(rnd.choice(SYLLABLES) for _ in range(parts))


def make_units(rnd: random.Random, n: int = 300) -> list[str]:
    units = list(DEPARTMENTS)
    districts = [f"UBND {kind} {_name(rnd)}" for kind in ("huyện", "thị xã", "thành phố") for _ in range(6)]
    units += districts
    seen = set(units)
    while len(units) < n:
        unit = f"UBND {rnd.choice(('xã', 'phường', 'thị trấn'))} {_name(rnd)}"
        if unit not in seen:
            seen.add(unit)
            units.append(unit)
    return units


def _slip(word: str, rnd: random.Random) -> str:
    spots = [i for i, ch in enumerate(word) if ch.lower() in _SLIPS]
    if not spots:
        return word
    i = rnd.choice(spots)
    return word[:i] + _SLIPS[word[i].lower()] + word[i + 1 :]


def _sentence(rnd: random.Random, units: list[str], year: int, topic: str) -> str:
    day = date(year, 1, 1) + timedelta(days=rnd.randrange(360))
    fill = {
        "law": rnd.choice(LAWS), "unit": rnd.choice(units), "unit2": rnd.choice(units),
        "topic": topic if rnd.random() < 0.7 else rnd.choice(TOPICS),
        "verb": rnd.choice(VERBS), "year": year, "n": rnd.randrange(2, 400), "m": rnd.randrange(1, 60),
        "pct": rnd.randrange(40, 101), "date": day.strftime("%d/%m/%Y"),
        "date2": (day + timedelta(days=rnd.randrange(1, 20))).strftime("%d/%m/%Y"),
        "person": f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}", "title": rnd.choice(TITLES),
        "place": f"{rnd.choice(('thôn', 'buôn', 'tổ dân phố', 'ấp', 'xã'))} {_name(rnd)}",
        "project": f"{rnd.choice(('đường giao thông', 'trường tiểu học', 'trạm y tế', 'kênh mương'))} {_name(rnd)}",
        "money": f"{rnd.randrange(10, 999)}.{rnd.randrange(100, 999)}.000",
        "money2": f"{rnd.randrange(10, 999)}.{rnd.randrange(100, 999)}.000",
    }
    fill["Unit"] = fill["unit"]
    fill["q"] = rnd.choice(("I", "II", "III", "IV"))
    kind = rnd.random()
    if kind < 0.08:  # stock PCTN sentences
        return rnd.choice(SENTENCES).format(**fill)
    if kind < 0.38:  # the administrative rest of a report
        return rnd.choice(GENERAL).format(**fill)
    actor = rnd.choice(("{unit}", "Đơn vị", "Thanh tra tỉnh", "Phòng Tổ chức cán bộ", "Ban chỉ đạo", "UBND các xã"))
    sentence = f"{rnd.choice(OPENINGS)} {actor} {rnd.choice(VERBS)} {{topic}} {rnd.choice(CLOSINGS)}."
    return sentence.format(**fill)


def _code(unit: str) -> str:
    """The unit's letters in a symbol ("Sở Nội vụ" → "SN")."""
    return "".join(w[0] for w in unit.split() if w[0].isupper())[:6]


def _header(rnd: random.Random, unit: str, kind: str, number: int, issued: date, topic: str) -> str:
    code = _code(unit)
    return (f"{unit.upper()}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"Số: {number}/{kind}-{code}\n{_name(rnd)}, ngày {issued.day} tháng {issued.month} năm {issued.year}\n"
            f"{DOC_TYPES[kind]}\nVề việc {topic}\n")


def generate_pages(n_pages: int, seed: int = 20240601) -> Iterator[PageRecord]:
    """``n_pages`` pages, the same for the same seed."""
    rnd = random.Random(seed)
    units = make_units(rnd)
    produced, doc_no, file_no = 0, 0, 0
    start = date(2023, 1, 1)
    while produced < n_pages:
        file_no += 1
        sha = hashlib.sha256(f"file-{seed}-{file_no}".encode()).hexdigest()
        unit = rnd.choice(units[:60] if rnd.random() < 0.5 else units)  # departments and districts file more
        for _ in range(rnd.choice((1, 1, 1, 2, 3))):
            doc_no += 1
            kind = rnd.choices(list(DOC_TYPES), TYPE_WEIGHTS)[0]
            issued = start + timedelta(days=rnd.randrange(3 * 365))
            number = rnd.randrange(1, 3000)
            topic = rnd.choice(TOPICS)
            ocr = rnd.random() < 0.7
            confidence = round(rnd.uniform(55, 97), 1) if ocr else None
            indicators = tuple(sorted(rnd.sample(INDICATORS, rnd.choice((0, 1, 1, 2, 3)))))
            base = {"doc_id": f"doc-{doc_no:06d}", "sha256": sha, "unit": unit, "doc_type": kind,
                    "symbol": f"{number}/{kind}-{_code(unit)}", "doc_type_name": DOC_TYPES[kind].capitalize(),
                    "issued": issued, "in_period": PERIOD[0] <= issued <= PERIOD[1],
                    "indicators": indicators, "method": "ocr" if ocr else "text", "confidence": confidence,
                    "source": f"{unit}/{kind.lower()}-{number}.pdf", "subject": f"Về việc {topic}"}
            for page in range(1, rnd.randrange(1, 9) + 1):
                target = rnd.randrange(1500, 2500)
                parts = [_header(rnd, unit, kind, number, issued, topic)] if page == 1 else []
                size = sum(map(len, parts))
                while size < target:
                    sentence = _sentence(rnd, units, issued.year, topic)
                    parts.append(sentence)
                    size += len(sentence) + 1
                text = " ".join(parts)
                if ocr and confidence is not None and confidence < 85:
                    words = text.split(" ")
                    text = " ".join(_slip(w, rnd) if rnd.random() < 0.03 else w for w in words)
                yield PageRecord(page=page, text=text, **base)
                produced += 1
                if produced >= n_pages:
                    return
