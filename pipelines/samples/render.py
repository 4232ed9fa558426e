"""Render a :class:`DocSpec` into A4 page images laid out per Nghị định 30/2020, Appendix I.

The renderer returns, with every page, the lines it printed in reading order: the ground truth that the
OCR character error rate (CER) is measured against. Reading order of two-column parts: left column
(agency, number, "V/v" subject; "Nơi nhận") before right column (quốc hiệu, date; signature block).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipelines.samples.spec import DocSpec

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
A4_MM = (210.0, 297.0)
MARGINS_MM = {"left": 30.0, "right": 20.0, "top": 20.0, "bottom": 20.0}


@dataclass
class RenderedPage:
    image: Image.Image
    lines: list[str] = field(default_factory=list)
    stamp_box: tuple[int, int, int, int] | None = None


@lru_cache(maxsize=64)
def font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[style]
        if path.exists():
            return ImageFont.truetype(str(path), size_px)
    raise FileNotFoundError(
        "Liberation Serif (Debian package fonts-liberation2) is needed to render Vietnamese samples"
    )


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float, indent: float = 0.0) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        limit = width - (indent if not lines else 0.0)
        if current and fnt.getlength(trial) > limit:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


class _Layout:
    """A cursor over pages: places lines, opens a new page when the current one is full."""

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self.px = dpi / 25.4
        self.width = round(A4_MM[0] * self.px)
        self.height = round(A4_MM[1] * self.px)
        self.left = round(MARGINS_MM["left"] * self.px)
        self.right = self.width - round(MARGINS_MM["right"] * self.px)
        self.top = round(MARGINS_MM["top"] * self.px)
        self.bottom = self.height - round(MARGINS_MM["bottom"] * self.px)
        self.pages: list[RenderedPage] = []
        self.y = 0
        self.new_page()

    def pt(self, points: float) -> int:
        return round(points * self.dpi / 72)

    def new_page(self) -> None:
        page = RenderedPage(Image.new("RGB", (self.width, self.height), "white"))
        self.pages.append(page)
        self.y = self.top
        number = len(self.pages)
        if number > 1:  # page numbers from the second page, centred at the top
            fnt = font("regular", self.pt(13))
            self.y += self.draw_text(str(number), fnt, center=self.width / 2) + self.pt(6)

    @property
    def page(self) -> RenderedPage:
        return self.pages[-1]

    def ensure(self, height: int) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    def draw_text(self, text: str, fnt: ImageFont.FreeTypeFont, *, x: float | None = None,
                  center: float | None = None, underline: bool = False, y: int | None = None,
                  record: bool = True) -> int:
        """Draw one line at the cursor (or at ``y``); returns the line height used."""
        draw = ImageDraw.Draw(self.page.image)
        top = self.y if y is None else y
        length = fnt.getlength(text)
        left = x if x is not None else (center or 0) - length / 2
        draw.text((left, top), text, font=fnt, fill=(0, 0, 0))
        size = fnt.size
        if underline:
            base = top + round(size * 1.05)
            draw.line((left, base, left + length, base), fill=(0, 0, 0), width=max(1, size // 16))
        if record and text.strip():
            self.page.lines.append(text)
        return round(size * 1.3)

    def column(self, items: list[tuple[str, str, float, bool]], span: tuple[float, float], y: int) -> int:
        """Draw lines (text, style, points, underline) centred in ``span`` from ``y``; returns the bottom.

        A line wider than the column is set smaller, as clerks do with long agency names.
        """
        center = (span[0] + span[1]) / 2
        for text, style, points, underline in items:
            fnt = font(style, self.pt(points))
            while text and fnt.getlength(text) > span[1] - span[0] and fnt.size > 8:
                fnt = font(style, fnt.size - 2)
            if text:
                y += self.draw_text(text, fnt, center=center, underline=underline, y=y)
            else:
                y += self.pt(points * 0.6)
        return y


def render_document(spec: DocSpec, dpi: int = 300) -> list[RenderedPage]:
    lay = _Layout(dpi)
    content = lay.right - lay.left
    split = lay.left + round(content * 0.42)
    left_span = (lay.left - lay.pt(25), split - lay.pt(10))
    right_span = (split + lay.pt(14), lay.right + lay.pt(10))

    # Header: agency column on the left, quốc hiệu (or Party heading) on the right.
    left_items: list[tuple[str, str, float, bool]] = []
    if spec.parent:
        left_items.append((spec.parent, "regular", 12.5, False))
    left_items.append((spec.issuer, "bold", 12.5, True))
    if spec.party:
        left_items.append(("*", "regular", 12.5, False))
    else:
        left_items.append(("", "regular", 8, False))
    left_items.append((spec.number, "regular", 13, False))
    if not spec.type and spec.subject:  # công văn: "V/v …" under the number
        for line in wrap(spec.subject, font("regular", lay.pt(12)), left_span[1] - left_span[0]):
            left_items.append((line, "regular", 12, False))
    if spec.party:
        right_items = [("ĐẢNG CỘNG SẢN VIỆT NAM", "bold", 13, True), ("", "regular", 14, False)]
    else:
        right_items = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", 12.5, False),
                       ("Độc lập - Tự do - Hạnh phúc", "bold", 13.5, True), ("", "regular", 12, False)]
    right_items.append((spec.place_date, "italic", 13, False))
    bottom_left = lay.column(left_items, left_span, lay.y)
    bottom_right = lay.column(right_items, right_span, lay.y)
    lay.y = max(bottom_left, bottom_right) + lay.pt(18)

    mid = (lay.left + lay.right) / 2
    if spec.type:
        lay.y += lay.draw_text(spec.type, font("bold", lay.pt(14)), center=mid)
        for line in wrap(spec.subject, font("bold", lay.pt(13.5)), content * 0.8):
            lay.y += lay.draw_text(line, font("bold", lay.pt(13.5)), center=mid)
        lay.y += lay.pt(14)
    if spec.kinhgui:
        lay.y += lay.draw_text(f"Kính gửi: {spec.kinhgui}", font("regular", lay.pt(14)), center=mid)
        lay.y += lay.pt(10)

    body_font = font("regular", lay.pt(13.5))
    bold_font = font("bold", lay.pt(13.5))
    line_h = round(body_font.size * 1.3)
    indent = lay.pt(28)
    for para in spec.paragraphs:
        heading = para.upper() == para and any(ch.isalpha() for ch in para)
        fnt = bold_font if heading else body_font
        for i, line in enumerate(wrap(para, fnt, content, indent)):
            lay.ensure(line_h)
            lay.draw_text(line, fnt, x=lay.left + (indent if i == 0 else 0))
            lay.y += line_h
        lay.y += lay.pt(5)

    _footer(lay, spec, split)
    return lay.pages


def _footer(lay: _Layout, spec: DocSpec, split: int) -> None:
    small = font("regular", lay.pt(11))
    heading = font("bolditalic", lay.pt(12))
    sign = font("bold", lay.pt(13.5))
    rec_lines = [line for r in spec.recipients for line in wrap(r, small, split - lay.left)]
    left_h = round(heading.size * 1.3) + len(rec_lines) * round(small.size * 1.3)
    right_h = lay.pt(13.5) * 5 + lay.pt(70)
    lay.ensure(lay.pt(16) + max(left_h, right_h))
    lay.y += lay.pt(16)
    y = lay.y
    if rec_lines:
        y += lay.draw_text("Nơi nhận:", heading, x=lay.left, y=y)
        for line in rec_lines:
            y += lay.draw_text(line, small, x=lay.left, y=y)
    right_center = (split + lay.right) / 2 + lay.pt(20)
    ry = lay.y
    for text in (spec.authority, spec.title):
        if text:
            ry += lay.draw_text(text, sign, center=right_center, y=ry)
    stamp_top = ry
    ry += lay.pt(70)  # room for signature and seal
    ry += lay.draw_text(spec.signer, sign, center=right_center, y=ry)
    size = lay.pt(95)
    lay.page.stamp_box = (round(right_center - size * 0.95), stamp_top - lay.pt(16),
                          round(right_center - size * 0.95) + size, stamp_top - lay.pt(16) + size)
    lay.y = max(y, ry)
