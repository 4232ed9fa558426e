"""Born-digital PDFs (real text layer) of sample documents, written with fpdf2.

:func:`digital_pdf_pages` also returns the lines each page prints in reading order (header: agency column,
then quốc hiệu column; foot: Nơi nhận, then the signature block): the ground truth for the text layer.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from pipelines.samples.render import FONT_DIRS, FONT_FILES
from pipelines.samples.spec import DocSpec


def _font_path(style: str) -> str:
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[style]
        if path.exists():
            return str(path)
    raise FileNotFoundError("Liberation Serif (Debian package fonts-liberation2) is needed")


class _Recorder:
    """``multi_cell`` that also notes each printed line under the page it lands on."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.pages: list[list[str]] = []

    def cell(self, w: float, h: float, text: str, align: str = "J", **kw: object) -> None:
        pdf = self.pdf
        lines = pdf.multi_cell(w, h, text, align=align, dry_run=True, output="LINES")
        page, y = pdf.page_no(), pdf.get_y()
        placed = []
        for line in lines:
            if y + h > pdf.page_break_trigger:  # fpdf2 breaks the page before such a line
                page, y = page + 1, pdf.t_margin
            placed.append((page, line))
            y += h
        pdf.multi_cell(w, h, text, align=align, **kw)
        if pdf.page_no() != page:
            raise RuntimeError(f"page break not where expected: {text[:40]!r}")
        for n, line in placed:
            while len(self.pages) < n:
                self.pages.append([])
            if line.strip():
                self.pages[n - 1].append(" ".join(line.split()))


def digital_pdf(spec: DocSpec) -> bytes:
    return digital_pdf_pages(spec)[0]


def digital_pdf_pages(spec: DocSpec) -> tuple[bytes, list[list[str]]]:
    """The PDF and, per page, the lines it prints in reading order."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(30, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    for style, key in (("", "regular"), ("B", "bold"), ("I", "italic"), ("BI", "bolditalic")):
        pdf.add_font("Serif", style, _font_path(key))
    pdf.add_page()
    rec = _Recorder(pdf)
    left_w, right_x = 70.0, 100.0
    top = pdf.get_y()
    pdf.set_font("Serif", "", 12)
    lines = [("", spec.parent), ("B", spec.issuer), ("", spec.number)]
    if not spec.type and spec.subject:
        lines.append(("", spec.subject))
    y = top
    for style, text in lines:
        if text:
            pdf.set_xy(15, y)
            pdf.set_font("Serif", style, 12)
            rec.cell(left_w, 6, text, align="C")
            y = pdf.get_y() + 1
    right = ([("B", "ĐẢNG CỘNG SẢN VIỆT NAM")] if spec.party else
             [("B", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("B", "Độc lập - Tự do - Hạnh phúc")])
    right.append(("I", spec.place_date))
    ry = top
    for style, text in right:
        pdf.set_xy(right_x - 5, ry)
        pdf.set_font("Serif", style, 12)
        rec.cell(100, 6, text, align="C")
        ry = pdf.get_y() + 1
    pdf.set_y(max(y, ry) + 6)
    if spec.type:
        pdf.set_font("Serif", "B", 14)
        rec.cell(0, 7, spec.type, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Serif", "B", 13)
        rec.cell(0, 6.5, spec.subject, align="C")
        pdf.ln(4)
    if spec.kinhgui:
        pdf.set_font("Serif", "", 13)
        rec.cell(0, 7, f"Kính gửi: {spec.kinhgui}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    for para in spec.paragraphs:
        heading = para.upper() == para
        pdf.set_font("Serif", "B" if heading else "", 13)
        rec.cell(0, 6.5, ("" if heading else "      ") + para, align="J")
        pdf.ln(1.5)
    pdf.ln(6)
    if pdf.get_y() > 220:
        pdf.add_page()
    y0 = pdf.get_y()
    pdf.set_font("Serif", "BI", 12)
    rec.cell(80, 6, "Nơi nhận:", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", 11)
    for r in spec.recipients:
        rec.cell(80, 5, r, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "B", 13)
    pdf.set_xy(110, y0)
    for text in (spec.authority, spec.title):
        if text:
            pdf.set_x(110)
            rec.cell(80, 6.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(110, pdf.get_y() + 22)
    rec.cell(80, 6.5, spec.signer, align="C")
    return bytes(pdf.output()), rec.pages
