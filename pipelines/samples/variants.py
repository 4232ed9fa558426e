"""Sample variants for reading order and the signature block (issue 14): what tesseract meets on real pages.

- a foot whose Nơi nhận list is longer than the signature block (documents 12 and 13: twelve and ten
  recipients, some wrapped), which tesseract returns as separate, interleaved lines;
- a seal whose ring crosses the signer's name: red on a colour scan (13), and black on a bitonal (1-bit,
  CCITT G4 TIFF) scan, where no colour tells the seal from the ink (12);
- a born-digital công văn whose left header column (agency, Số, a two-line "V/v") is longer than the
  quốc hiệu column (14).

Each is one more file in an existing unit folder of the demo inbox; :func:`add_variants` is called by
:func:`pipelines.samples.inbox.generate_inbox`.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image

from pipelines.samples.degrade import Degradation, degrade, draw_seal, draw_signature
from pipelines.samples.digital import digital_pdf_pages
from pipelines.samples.render import RenderedPage, font, render_document
from pipelines.samples.spec import DocSpec

BLACK_INK = (30.0, 30.0, 30.0)
BITONAL_THRESHOLD = 160  # grey level below which a 1-bit scanner prints black
SEAL_PT = 95             # the seal's diameter in points, as in the other samples

# write(relative path, bytes, unit, [(spec name, truth lines, digital, profile)] per page)
Writer = Callable[[str, bytes, str, list[tuple[str, list[str], bool, str]]], None]


def name_seal_box(page: RenderedPage, signer: str, dpi: int = 300) -> tuple[int, int, int, int]:
    """A seal box whose ring's right arc runs down through the first letters of the signer's name.

    The renderer centres the name on the signature column (``stamp_box`` starts 0.95 seal widths left of
    that centre) 70 pt under the title (``stamp_box`` starts 16 pt above that room)."""
    if page.stamp_box is None:
        raise ValueError("the page has no signature block")
    pt = dpi / 72
    x0, y0, x1, _ = page.stamp_box
    size = round(SEAL_PT * pt)
    name_w = font("bold", round(13.5 * pt)).getlength(signer)
    name_left = x0 + (x1 - x0) * 0.95 - name_w / 2
    name_mid_y = y0 + (16 + 70 + 9) * pt
    right_arc = name_left + 0.2 * name_w
    left, top = round(right_arc - size * 0.97), round(name_mid_y - size * 0.7)
    return left, top, left + size, top + size


def seal_over_name_pages(spec: DocSpec, deg: Degradation, rng: np.random.Generator,
                         ink: tuple[float, float, float]) -> list[tuple[Image.Image, RenderedPage]]:
    """Render, sign, seal across the signer's name in ``ink``, then degrade every page."""
    out = []
    for page in render_document(spec):
        img = page.image
        if page.stamp_box:
            draw_signature(img, page.stamp_box, rng)
            draw_seal(img, name_seal_box(page, spec.signer), spec.issuer, rng, ink=ink)
        out.append((degrade(img, deg, rng), page))
    return out


def bitonal(image: Image.Image) -> Image.Image:
    """What a black-and-white scanner keeps: every pixel black or white (a red seal comes out black)."""
    grey = np.asarray(image.convert("L"))
    return Image.fromarray(np.where(grey < BITONAL_THRESHOLD, 0, 255).astype(np.uint8)).convert("1")


def add_variants(specs: dict[str, DocSpec], rng: Callable[[str], np.random.Generator], write: Writer) -> None:
    """Write the three variant documents into the inbox through ``write``."""
    spec = specs["12"]  # bitonal scan, black seal over the name, a long Nơi nhận
    pairs = seal_over_name_pages(spec, Degradation(skew_deg=0.6, noise=4), rng("12"), BLACK_INK)
    pages = [bitonal(img) for img, _ in pairs]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], compression="group4", dpi=(300, 300))
    write(f"{spec.unit}/QD 1875 cong bo TTHC ban scan den trang.tif", buf.getvalue(), spec.unit,
          [(spec.name, p.lines, False, "bitonal") for _, p in pairs])

    spec = specs["13"]  # colour scan, red seal over the name, a long Nơi nhận with wrapped items
    pairs = seal_over_name_pages(spec, Degradation(skew_deg=-1.0, noise=5, stains=1), rng("13"),
                                 (205.0, 35.0, 45.0))
    images = [img for img, _ in pairs]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=300, save_all=True, append_images=images[1:], quality=80)
    write(f"{spec.unit}/BC 1688 khoi to vu an dat dai 2024.pdf", buf.getvalue(), spec.unit,
          [(spec.name, p.lines, False, "seal-over-name") for _, p in pairs])

    spec = specs["14"]  # born-digital công văn: the left header column is the longer one
    data, truth = digital_pdf_pages(spec)
    write(f"{spec.unit}/CV 1450 phong ngua tham nhung doanh nghiep.pdf", data, spec.unit,
          [(spec.name, lines, True, "") for lines in truth])
