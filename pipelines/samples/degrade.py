"""Make a clean rendered page look scanned or photographed: seal, signature, skew, scanner borders,
uneven light, stains, noise, blur, rotation, JPEG loss. Every effect is seeded and deterministic."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipelines.samples.render import font


@dataclass(frozen=True)
class Degradation:
    skew_deg: float = 0.0
    noise: float = 0.0            # sigma of gaussian noise, in grey levels
    blur: float = 0.0             # gaussian blur radius in pixels
    borders: bool = False         # dark scanner-lid borders on some edges
    light: float = 0.0            # 0..1: depth of an uneven-illumination gradient
    stains: int = 0
    rotate: int = 0               # 0, 90, 180 or 270 (counter-clockwise), a page fed the wrong way
    jpeg_quality: int = 0         # 0: lossless
    scale: float = 1.0            # < 1: a lower-resolution scan


def draw_seal(image: Image.Image, box: tuple[int, int, int, int], label: str, rng: np.random.Generator,
              ink: tuple[float, float, float] = (205.0, 35.0, 45.0)) -> None:
    """A round seal (red unless ``ink`` says otherwise) with the issuer's name on the ring and a star,
    blended like ink over the page."""
    x0, y0, x1, y1 = box
    size = x1 - x0
    layer = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(layer)
    w = max(3, size // 45)
    draw.ellipse((w, w, size - w, size - w), outline=255, width=w)
    draw.ellipse((size * 0.12, size * 0.12, size * 0.88, size * 0.88), outline=255, width=max(2, w // 2))
    cx = cy = size / 2
    pts = []
    for k in range(10):
        r = size * (0.12 if k % 2 == 0 else 0.05)
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(pts, fill=255)
    fnt: ImageFont.FreeTypeFont = font("bold", max(10, size // 14))
    text = label.upper()[:34]
    for i, ch in enumerate(text):  # letters around the ring
        ang = -math.pi * 0.95 + i * (1.9 * math.pi / max(len(text), 1))
        tx, ty = cx + size * 0.40 * math.cos(ang), cy + size * 0.40 * math.sin(ang)
        draw.text((tx, ty), ch, font=fnt, fill=255, anchor="mm")
    layer = layer.rotate(float(rng.uniform(-25, 25)), resample=Image.BILINEAR)
    alpha = np.asarray(layer, dtype=np.float32) / 255.0 * float(rng.uniform(0.75, 0.9))
    page = np.asarray(image, dtype=np.float32)
    region = page[y0:y1, x0:x1]
    a = alpha[: region.shape[0], : region.shape[1], None]
    colour = np.array(ink)
    page[y0:y1, x0:x1] = region * (1 - a) + np.minimum(region, colour) * a
    image.paste(Image.fromarray(page.astype(np.uint8)))


def draw_signature(image: Image.Image, box: tuple[int, int, int, int], rng: np.random.Generator) -> None:
    """A blue pen flourish: a few smooth strokes."""
    x0, y0, x1, y1 = box
    draw = ImageDraw.Draw(image)
    t = np.linspace(0, 1, 200)
    cx, cy = (x0 + x1) / 2 + (x1 - x0) * 0.35, (y0 + y1) / 2
    width = (x1 - x0) * 0.45
    for stroke in range(2):
        phase = rng.uniform(0, math.pi)
        xs = cx - width / 2 + width * t
        ys = cy + (y1 - y0) * 0.12 * np.sin(t * (5 + stroke) * math.pi + phase) * (1 - t * 0.5)
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=(30, 45, 150), width=4)


def degrade(image: Image.Image, deg: Degradation, rng: np.random.Generator) -> Image.Image:
    img = image.convert("RGB")
    if deg.stains:
        draw = ImageDraw.Draw(img, "RGBA")
        for _ in range(deg.stains):
            cx, cy = rng.uniform(0, img.width), rng.uniform(0, img.height)
            r = rng.uniform(60, 220)
            draw.ellipse((cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), fill=(150, 120, 60, 45))
    if deg.skew_deg:
        img = img.rotate(deg.skew_deg, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    arr = np.asarray(img, dtype=np.float32)
    if deg.light:
        h, w = arr.shape[:2]
        gx = np.linspace(0, 1, w)[None, :]
        gy = np.linspace(0, 1, h)[:, None]
        field = 1.0 - deg.light * (0.6 * gx + 0.4 * gy)
        arr *= field[..., None]
    if deg.borders:
        h, w = arr.shape[:2]
        for side in ("left", "top", "right"):
            size = int(rng.uniform(0.012, 0.03) * w)
            shade = rng.uniform(15, 50)
            if side == "left":
                arr[:, :size] = shade
            elif side == "top":
                arr[:size, :] = shade
            else:
                arr[:, w - size:] = shade
    if deg.noise:
        arr += rng.normal(0, deg.noise, arr.shape[:2])[..., None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if deg.blur:
        img = img.filter(ImageFilter.GaussianBlur(deg.blur))
    if deg.scale != 1.0:
        img = img.resize((round(img.width * deg.scale), round(img.height * deg.scale)), Image.LANCZOS)
    if deg.rotate:
        img = img.rotate(deg.rotate, expand=True)
    if deg.jpeg_quality:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=deg.jpeg_quality)
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return img
