"""Render an arbitrary document text (a real document's plain text) as A4 pages, and scan it.

Unlike :func:`render.render_document`, which lays out a :class:`DocSpec` field by field, this takes the text
as it is, line by line: blank lines are paragraph gaps, long lines are wrapped, all-caps lines are bold. A type
name line ("KẾ HOẠCH", "QUYẾT ĐỊNH", "PHỤ LỤC II") is centred; after the signature it starts a new page, as an
attached document or appendix does. The signature block (the all-caps lines before the signer's name, after
"Nơi nhận") is centred in the right half with room for a signature and the red seal. The header is printed as
the text has it (one column). Every page records the lines it printed: the ground truth for OCR. Markdown bold
markers and the corpus files' ``# source:`` / ``# type:`` lines are dropped.
"""

from __future__ import annotations

import re

import numpy as np
from PIL import Image

from pipelines.samples.degrade import Degradation, degrade, draw_seal, draw_signature
from pipelines.samples.render import RenderedPage, _Layout, font, wrap

TYPE_LINE = re.compile(
    r"(KẾ HOẠCH|QUYẾT ĐỊNH|CHỈ THỊ|THÔNG BÁO|NGHỊ QUYẾT|NGHỊ ĐỊNH|QUY ĐỊNH|QUY CHẾ|BÁO CÁO|HƯỚNG DẪN|"
    r"CHƯƠNG TRÌNH|TỜ TRÌNH|CÔNG ĐIỆN|PHƯƠNG ÁN|ĐỀ ÁN|PHỤ LỤC)( [IVX]+)?:?")
BODY_PT, TITLE_PT, GAP_PT, SIGN_ROOM_PT = 13.0, 14.0, 6.0, 62.0


def clean_lines(text: str) -> list[str]:
    """The text's lines without corpus metadata lines and markdown bold markers, trailing blanks trimmed."""
    lines = [line.replace("**", "").rstrip() for line in text.splitlines()
             if not line.startswith(("# source:", "# type:"))]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _caps(line: str) -> bool:
    return line.upper() == line and any(ch.isalpha() for ch in line)


def _person(line: str) -> bool:
    """A signer's name: two to five capitalised words, nothing else."""
    words = line.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() and (w[1:].islower() or len(w) == 1) and w.isalpha()
                                        for w in words)


def signature_block(lines: list[str]) -> tuple[int, int] | None:
    """``(first, name)`` line indexes of the signature block, or None when the text has none.

    The block is a run of all-caps lines ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH") followed, possibly after blank
    lines, by a name. The first such block after "Nơi nhận" wins; without "Nơi nhận" the last one.
    """
    recipients = next((i for i, line in enumerate(lines) if line.strip().startswith("Nơi nhận")), None)
    found: list[tuple[int, int]] = []
    for name, line in enumerate(lines):
        if not _person(line.strip()):
            continue
        above = name - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        first = above
        while first >= 0 and lines[first].strip() and _caps(lines[first].strip()):
            first -= 1
        if first + 1 <= above:
            found.append((first + 1, name))
    if not found:
        return None
    if recipients is not None:
        after = [block for block in found if block[0] > recipients]
        if after:
            return after[0]
    return found[-1]


def render_plain(text: str, dpi: int = 300) -> list[RenderedPage]:
    """Lay the text out on A4 pages with the official margins; see the module docstring."""
    lay = _Layout(dpi)
    content = lay.right - lay.left
    body, bold = font("regular", lay.pt(BODY_PT)), font("bold", lay.pt(BODY_PT))
    title = font("bold", lay.pt(TITLE_PT))
    line_h = round(body.size * 1.3)
    lines = clean_lines(text)
    block = signature_block(lines)
    gap = signed = False
    i = 0
    while i < len(lines):
        raw = lines[i].strip()
        if block and i == block[0]:
            _signature(lay, [s.strip() for s in lines[block[0]:block[1]] if s.strip()], lines[block[1]].strip())
            i, signed = block[1] + 1, True
            continue
        i += 1
        if not raw:
            gap = True
            continue
        if gap and lay.y > lay.top:
            lay.y += lay.pt(GAP_PT)
        gap = False
        if TYPE_LINE.fullmatch(raw):
            if signed and lay.y > lay.top:  # an attached document or appendix starts on a new page
                lay.new_page()
            lay.ensure(line_h * 3)
            lay.y += lay.draw_text(raw, title, center=(lay.left + lay.right) / 2)
            continue
        fnt = bold if _caps(raw) else body
        for part in wrap(raw, fnt, content):
            lay.ensure(line_h)
            lay.draw_text(part, fnt, x=lay.left)
            lay.y += line_h
    return lay.pages


def _signature(lay: _Layout, titles: list[str], name: str) -> None:
    """Titles and name centred in the right half, room for the signature between them; sets the stamp box."""
    sign = font("bold", lay.pt(BODY_PT))
    line_h = round(sign.size * 1.3)
    lay.ensure(lay.pt(GAP_PT * 2) + line_h * (len(titles) + 1) + lay.pt(SIGN_ROOM_PT))
    lay.y += lay.pt(GAP_PT * 2)
    center = (lay.left + lay.right) / 2 + (lay.right - lay.left) / 4
    for text in titles:
        lay.y += lay.draw_text(text, sign, center=center)
    stamp_top = lay.y
    lay.y += lay.pt(SIGN_ROOM_PT)
    lay.y += lay.draw_text(name, sign, center=center)
    size = lay.pt(95)
    left = round(center - size * 0.95)
    lay.page.stamp_box = (left, stamp_top - lay.pt(16), left + size, stamp_top - lay.pt(16) + size)


def seal_label(text: str) -> str:
    """The issuer as a seal would read it: the first all-caps lines of the header (at most three)."""
    head: list[str] = []
    for line in clean_lines(text):
        line = line.strip().strip("-_ ")
        if not line:
            continue
        if not _caps(line) or "CỘNG HÒA" in line or TYPE_LINE.fullmatch(line) or len(head) == 3:
            break
        head.append(line)
    return " ".join(head)


def scan_plain(text: str, deg: Degradation, rng: np.random.Generator,
               dpi: int = 300) -> list[tuple[Image.Image, RenderedPage]]:
    """Render, sign and seal (when the text has a signature block and a header), then degrade every page."""
    label = seal_label(text)
    out = []
    for page in render_plain(text, dpi):
        img = page.image
        if page.stamp_box:
            draw_signature(img, page.stamp_box, rng)
            if label:
                draw_seal(img, page.stamp_box, label, rng)
        out.append((degrade(img, deg, rng), page))
    return out
