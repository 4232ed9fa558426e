"""A page photographed with a phone on a desk: the rendered page warped in perspective onto a dark textured
background, lit unevenly, slightly blurred, saved as JPEG. Seeded and deterministic.

The photo is what :mod:`ingest.perspective` must undo: the page is a convex quadrilateral (the camera tilted
towards the top of the sheet and turned a little) that covers about two thirds of a 12-megapixel frame.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Shot:
    frame: tuple[int, int] = (2448, 3264)  # (width, height): an 8-megapixel portrait photo
    cover: float = 0.8  # the page's height over the frame's, before the tilt
    tilt: float = 0.09  # how much narrower the far (top) edge is than the near one
    turn_deg: float = 4.0  # the largest turn of the page in the frame, either way
    jitter: float = 0.012  # each corner moved at random by up to this share of the frame
    light: float = 0.45  # depth of the light gradient and vignette
    blur: float = 0.9
    noise: float = 5.0
    jpeg_quality: int = 82


def desk(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A dark wooden desk: brown, with grain along its length, knots of lighter and darker wood, noise."""
    w, h = size
    coarse = cv2.resize(rng.normal(0, 1, (12, 9)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    y = np.arange(h, dtype=np.float32)[:, None]
    wobble = cv2.resize(rng.normal(0, 1, (40, 1)).astype(np.float32), (1, h), interpolation=cv2.INTER_CUBIC)
    grain = np.sin(y / 7.0 + 3.0 * wobble + np.linspace(0, 6, w, dtype=np.float32)[None, :] * 0.3)
    fine = rng.normal(0, 1, (h, w)).astype(np.float32)
    shade = 14.0 * coarse + 7.0 * grain + 5.0 * fine
    base = np.array([62.0, 44.0, 32.0], dtype=np.float32)
    return np.clip(base[None, None, :] + shade[..., None] * np.array([1.0, 0.8, 0.6], dtype=np.float32), 0, 255)


def page_corners(page_size: tuple[int, int], shot: Shot, rng: np.random.Generator) -> np.ndarray:
    """Where the page's corners land in the frame (tl, tr, br, bl), float32."""
    fw, fh = shot.frame
    ph = shot.cover * fh
    pw = ph * page_size[0] / page_size[1]
    half_top, half_bottom = pw / 2 * (1 - shot.tilt), pw / 2
    quad = np.array([[-half_top, -ph / 2], [half_top, -ph / 2], [half_bottom, ph / 2], [-half_bottom, ph / 2]])
    angle = math.radians(rng.uniform(-shot.turn_deg, shot.turn_deg))
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    quad = quad @ turn.T + np.array([fw / 2, fh / 2]) + rng.uniform(-1, 1, (4, 2)) * shot.jitter * np.array([fw, fh])
    return quad.astype(np.float32)


def photograph(page: Image.Image, rng: np.random.Generator, shot: Shot | None = None) -> Image.Image:
    """The page as a phone photo of it lying on a desk (RGB, JPEG-compressed)."""
    shot = shot or Shot()
    fw, fh = shot.frame
    src = np.array([[0, 0], [page.width - 1, 0], [page.width - 1, page.height - 1], [0, page.height - 1]],
                   dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, page_corners(page.size, shot, rng))
    sheet = cv2.warpPerspective(np.asarray(page.convert("RGB"), dtype=np.float32), matrix, (fw, fh),
                                flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((page.height, page.width), np.float32), matrix, (fw, fh),
                               flags=cv2.INTER_LINEAR)[..., None]
    photo = sheet * mask + desk((fw, fh), rng) * (1 - mask)
    gx = np.linspace(0, 1, fw, dtype=np.float32)[None, :]
    gy = np.linspace(0, 1, fh, dtype=np.float32)[:, None]
    vignette = ((gx - 0.5) ** 2 + (gy - 0.5) ** 2) * 2
    light = 1.0 - shot.light * (0.5 * gx + 0.3 * (1 - gy) + 0.4 * vignette) + 0.05
    photo = photo * np.clip(light, 0.3, 1.05)[..., None] + rng.normal(0, shot.noise, (fh, fw, 1))
    img = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))
    img = Image.fromarray(cv2.GaussianBlur(np.asarray(img), (0, 0), shot.blur))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=shot.jpeg_quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
