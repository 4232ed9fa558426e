"""Pages with nothing to read, for the blank-page check: a separator sheet and the back of a single-sided
page (the front's ink faintly showing through), degraded like the sample scans."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

from pipelines.samples.degrade import degrade
from pipelines.samples.inbox import PROFILES

SHOW_THROUGH = 0.08  # how much of the front's ink shows on the back of a sheet (0: none)


def blank_sheet(size: tuple[int, int], profile: str, rng: np.random.Generator,
                front: Image.Image | None = None) -> Image.Image:
    """An empty sheet of ``size`` (width, height) scanned with ``profile`` (:data:`PROFILES`); with ``front``,
    the back of that page: its ink mirrored and faint, as a scanner sees it through the paper."""
    sheet = Image.new("RGB", size, "white")
    if front is not None:
        ink = 255 - np.asarray(ImageOps.mirror(front.convert("RGB").resize(size)), dtype=np.float32)
        sheet = Image.fromarray((255 - ink * SHOW_THROUGH).astype(np.uint8))
    return degrade(sheet, PROFILES[profile], rng)
