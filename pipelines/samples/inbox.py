"""``minhchung samples OUTDIR``: the demo inbox, written deterministically from the bundled texts.

Four units, eleven documents, ~25 pages in every accepted format (image PDF, born-digital PDF, a mixed
multi-document PDF, multi-page TIFF, phone-photo JPEGs, PNG, a zip with a sub-folder) and degradations
(skew, scanner borders, uneven light, stains, noise, blur, 200 dpi, a page fed upside down, red seals),
plus bad files that must be quarantined with a reason. The returned manifest carries the ground truth.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pipelines.samples.degrade import Degradation, degrade, draw_seal, draw_signature
from pipelines.samples.digital import digital_pdf, digital_pdf_pages
from pipelines.samples.photo import photograph
from pipelines.samples.render import RenderedPage, render_document
from pipelines.samples.spec import DocSpec, load_specs
from pipelines.samples.variants import add_variants

PROFILES = {
    "scan": Degradation(skew_deg=1.5, noise=6, stains=2),
    "scan-skew": Degradation(skew_deg=-3.0, noise=5, borders=True),
    "borders": Degradation(skew_deg=-2.0, borders=True, light=0.25),
    "light": Degradation(light=0.35, noise=5, stains=3),
    "noisy": Degradation(noise=12, blur=0.6, skew_deg=0.8),
    "low-res": Degradation(scale=200 / 300, noise=4),
    "phone": Degradation(skew_deg=2.5, light=0.45, blur=0.8, jpeg_quality=70, scale=0.8),
    "clean": Degradation(noise=3),
    "flat": Degradation(),  # as rendered (then photographed: pipelines/samples/photo.py)
}


@dataclass
class SamplePage:
    doc: str                   # spec name
    lines: list[str]           # ground truth in reading order
    digital: bool = False      # has a text layer
    profile: str = ""


@dataclass
class SampleFile:
    path: str                  # relative to the inbox (zip members: "archive.zip/member")
    unit: str
    pages: list[SamplePage] = field(default_factory=list)
    bad: str | None = None     # why it must be quarantined


@dataclass
class Manifest:
    files: list[SampleFile] = field(default_factory=list)
    specs: dict[str, DocSpec] = field(default_factory=dict)

    @property
    def good(self) -> list[SampleFile]:
        return [f for f in self.files if f.bad is None]


def scan_pages(spec: DocSpec, profile: str, rng: np.random.Generator, dpi: int = 300,
               upside_down: tuple[int, ...] = ()) -> list[tuple[Image.Image, RenderedPage]]:
    """Render and degrade every page; the last page gets a signature and the issuer's red seal."""
    pages = render_document(spec, dpi)
    out = []
    for i, page in enumerate(pages):
        img = page.image
        if page.stamp_box:
            draw_signature(img, page.stamp_box, rng)
            draw_seal(img, page.stamp_box, spec.issuer, rng)
        deg = PROFILES[profile]
        if i + 1 in upside_down:
            deg = Degradation(**{**deg.__dict__, "rotate": 180})
        out.append((degrade(img, deg, rng), page))
    return out


def _image_pdf(images: list[Image.Image], dpi: int = 300) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=80)
    return buf.getvalue()


def _concat_pdfs(parts: list[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _digital_pages(spec: DocSpec, data: bytes) -> list[SamplePage]:
    """The pages of ``spec``'s born-digital PDF with the lines each prints (the text layer's ground truth)."""
    count = len(PdfReader(io.BytesIO(data)).pages)
    lines = digital_pdf_pages(spec)[1]
    if len(lines) != count:
        raise RuntimeError(f"{spec.name}: {count} pages in the PDF, {len(lines)} in its truth")
    return [SamplePage(spec.name, page, digital=True) for page in lines]


# When each unit sent its files (the files' times, hence the default received date): on time, except the
# Sở Tư pháp letter sent after the departments' deadline of 15/3/2025 and the phone photos sent after the
# districts' deadline of 20/3/2025.
RECEIVED = {
    "Sở Nội vụ": date(2025, 3, 10), "Sở Tư pháp": date(2025, 3, 14), "UBND huyện Krông Pắc": date(2025, 3, 12),
    "Công an tỉnh": date(2025, 3, 18),
    "Sở Tư pháp/CV ke khai tai san trang 1.png": date(2025, 3, 21),
    "Sở Tư pháp/CV ke khai tai san trang 2.png": date(2025, 3, 21),
    "UBND huyện Krông Pắc/CT thanh toan khong dung tien mat trang 1.jpg": date(2025, 3, 26),
    "UBND huyện Krông Pắc/CT thanh toan khong dung tien mat trang 2.jpg": date(2025, 3, 26),
}


def generate_inbox(out: Path, seed: int = 2024) -> Manifest:
    out.mkdir(parents=True, exist_ok=True)
    specs = {s.name[:2]: s for s in load_specs()}
    man = Manifest(specs={s.name: s for s in specs.values()})

    def rng(k: str) -> np.random.Generator:
        return np.random.default_rng([seed, int(k)])

    def scanned(key: str, profile: str, **kw) -> tuple[list[Image.Image], list[SamplePage]]:
        pairs = scan_pages(specs[key], profile, rng(key), **kw)
        return [img for img, _ in pairs], [SamplePage(specs[key].name, p.lines, profile=profile) for _, p in pairs]

    def write(rel: str, data: bytes, unit: str, pages: list[SamplePage], bad: str | None = None) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        # the file's time is the default received date: when the unit sent it (RECEIVED)
        stamp = datetime.combine(RECEIVED.get(rel, RECEIVED[unit]), time(9, 0)).timestamp()
        os.utime(path, (stamp, stamp))
        man.files.append(SampleFile(rel, unit, pages, bad))

    # Sở Nội vụ: image PDF, multi-page TIFF, born-digital PDF.
    unit = "Sở Nội vụ"
    imgs, pages = scanned("01", "scan")
    write(f"{unit}/KH 15-KH-SNV phong chong tham nhung 2024.pdf", _image_pdf(imgs), unit, pages)
    imgs, pages = scanned("02", "borders")
    buf = io.BytesIO()
    imgs[0].save(buf, "TIFF", save_all=True, append_images=imgs[1:], compression="tiff_lzw", dpi=(300, 300))
    write(f"{unit}/KH chuyen doi vi tri cong tac 2024.tif", buf.getvalue(), unit, pages)
    data = digital_pdf(specs["03"])
    write(f"{unit}/BC thuc hien Chi thi 10 nam 2024.pdf", data, unit, _digital_pages(specs["03"], data))

    # Sở Tư pháp: one PDF holding two documents (a scan and a born-digital one), a PNG, bad files.
    unit = "Sở Tư pháp"
    imgs, pages = scanned("04", "scan-skew")
    data05 = digital_pdf(specs["05"])
    write(f"{unit}/Ho so minh chung 2024.pdf", _concat_pdfs([_image_pdf(imgs), data05]), unit,
          pages + _digital_pages(specs["05"], data05))
    imgs06, pages = scanned("06", "clean")
    for i, img in enumerate(imgs06, 1):
        buf = io.BytesIO()
        img.save(buf, "PNG", dpi=(300, 300))
        write(f"{unit}/CV ke khai tai san trang {i}.png", buf.getvalue(), unit, [pages[i - 1]])
    good_pdf = _image_pdf(imgs06)
    write(f"{unit}/loi/ban scan bi cat.pdf", good_pdf[: len(good_pdf) // 3], unit, [], "truncated PDF")
    write(f"{unit}/loi/trong.pdf", b"", unit, [], "empty file")
    write(f"{unit}/loi/danh sach can bo.pdf", "Danh sách cán bộ phải kê khai\n".encode() * 20, unit, [],
          "a text file named .pdf")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data05)))
    writer.encrypt(user_password="matkhau", owner_password="matkhau")
    buf = io.BytesIO()
    writer.write(buf)
    write(f"{unit}/loi/quyet dinh co mat khau.pdf", buf.getvalue(), unit, [], "encrypted PDF")

    # UBND huyện Krông Pắc: a zip (with a Party sub-folder and a page fed upside down), phone photos.
    unit = "UBND huyện Krông Pắc"
    members: list[tuple[str, bytes, list[SamplePage]]] = []
    imgs, pages = scanned("07", "light")
    members.append(("KH ke khai tai san 2024.pdf", _image_pdf(imgs), pages))
    imgs, pages = scanned("08", "scan", upside_down=(2,))
    members.append(("BC tu danh gia PCTN 2024.pdf", _image_pdf(imgs), pages))
    imgs, pages = scanned("10", "low-res")
    members.append(("Huyen uy/KH 12-KH-HU tuyen truyen.pdf", _image_pdf(imgs, 200), pages))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, _ in members:
            # a member's date is its received date; the self-assessment report came with the August batch
            sent = date(2025, 8, 20) if name.startswith("BC tu danh gia") else date(2025, 3, 12)
            info = zipfile.ZipInfo(name, date_time=(sent.year, sent.month, sent.day, 9, 0, 0))
            zf.writestr(info, data)
    zip_rel = f"{unit}/minh chung PCTN 2024.zip"
    (out / zip_rel).parent.mkdir(parents=True, exist_ok=True)
    (out / zip_rel).write_bytes(buf.getvalue())
    for name, _, pages in members:
        man.files.append(SampleFile(f"{zip_rel}/{name}", unit, pages))
    imgs, pages = scanned("09", "phone")
    for i, img in enumerate(imgs, 1):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=85)
        write(f"{unit}/CT thanh toan khong dung tien mat trang {i}.jpg", buf.getvalue(), unit, [pages[i - 1]])

    # Công an tỉnh: a noisy scan.
    unit = "Công an tỉnh"
    imgs, pages = scanned("11", "noisy")
    write(f"{unit}/BC 1520-BC-CAT-PC03 dieu tra tham nhung 2024.pdf", _image_pdf(imgs), unit, pages)
    _multi_file(write, scanned, specs["21"], seed)

    # Reading order and signature block (issue 14): long Nơi nhận, seals over the name, born-digital công văn.
    add_variants(specs, rng, lambda rel, data, unit, pages: write(
        rel, data, unit, [SamplePage(doc, lines, digital, profile) for doc, lines, digital, profile in pages]))
    return man


def phone_photos(spec: DocSpec, seed: int = 2024) -> list[tuple[bytes, SamplePage]]:
    """Every page of ``spec`` photographed on a desk (pipelines/samples/photo.py), as the JPEG files a phone
    sends, with their ground truth."""
    key = int(spec.name[:2])
    pairs = scan_pages(spec, "flat", np.random.default_rng([seed, key]))
    shots = np.random.default_rng([seed, key, 1])
    out = []
    for img, page in pairs:
        buf = io.BytesIO()
        photograph(img, shots).save(buf, "JPEG", quality=90)
        out.append((buf.getvalue(), SamplePage(spec.name, page.lines, profile="photo")))
    return out


def _multi_file(write: Callable[..., None], scanned: Callable[..., tuple[list[Image.Image], list[SamplePage]]],
                photographed: DocSpec, seed: int) -> None:
    """Documents sent one file per page (issue 14): a report photographed page by page with a phone on a
    desk (perspective, dark background, uneven light), and a scanner's single-page files holding two
    documents, numbered on from an earlier batch (natural order: scan_9 before scan_10)."""
    unit = "Sở Tư pháp"
    for i, (data, page) in enumerate(phone_photos(photographed, seed), 1):
        write(f"{unit}/anh chup BC quy III/anh {i}.jpg", data, unit, [page])
    unit = "UBND huyện Krông Pắc"
    number = 9
    for key in ("22", "23"):
        imgs, pages = scanned(key, "clean")  # a sheet-fed scanner: no stains, hardly any skew
        for img, page in zip(imgs, pages, strict=True):
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=85, dpi=(300, 300))
            write(f"{unit}/may scan/scan_{number}.jpg", buf.getvalue(), unit, [page])
            number += 1
