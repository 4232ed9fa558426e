"""A black seal on a black-and-white page: find its ring and take it off before OCR (issue 14).

A colour scan loses its red seal in the red plane (:func:`ingest.preprocess.to_grey`); a bitonal scan (or a
black stamp) keeps it as ink, and tesseract then reads the ring, its lettering and the signer's name under it
as one picture. This step finds a seal's outer ring as one connected ink component on a 1-in-4 subsample of
the cleaned page (a ring 25–55 mm across, square, thin, its pixels at one distance from its centre all round),
and, at full resolution inside that circle:

- rows where text goes on past the circle (the signer's name crossing the ring) keep their letters: only the
  ring's own bands are erased there, except where a stroke crosses them (ink just inside and just outside the
  band on the same radius);
- everything else inside the circle (the lettering round the ring, the inner ring, the star) is erased.

The search costs a subsample and one connected-components pass (a few ms on an A4 page at 300 dpi) and finds
nothing on pages without a seal, whose pixels are returned untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

STEP = 4                    # subsample for the search
INK = 128                   # grey below this is ink
A4_MM = 210.0               # the page's width in mm, to turn mm into pixels (a page cut to its sheet)
SEAL_MM = (25.0, 55.0)      # outer diameter of a round official seal (Nghị định 99/2016: 35–42 mm for most)
MAX_FILL = 0.25             # share of the bounding box that a ring's pixels fill
ON_RING = 0.8               # share of its pixels within 10 % of the median radius
ANGLES = 0.85               # share of 36 angle sectors holding ring pixels


@dataclass(frozen=True)
class Ring:
    cx: float
    cy: float
    radius: float           # outer edge of the ring, full-resolution pixels
    width: float            # ring stroke width, pixels


def find_rings(grey: np.ndarray) -> list[Ring]:
    """Seal rings on a cleaned page (white paper, dark ink), biggest first; usually none."""
    ink = np.ascontiguousarray(grey[::STEP, ::STEP]) < INK
    count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        ink.view(np.uint8), 8, cv2.CV_32S, cv2.CCL_GRANA)
    per_mm = grey.shape[1] / A4_MM / STEP
    low, high = SEAL_MM[0] * per_mm, SEAL_MM[1] * per_mm
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    fits = ((w >= low) & (w <= high) & (h >= low) & (h <= high) & (np.abs(w - h) <= 0.15 * np.maximum(w, h))
            & (area <= MAX_FILL * w * h))
    fits[0] = False  # the background
    rings = []
    for i in np.flatnonzero(fits):
        x, y, bw, bh = stats[i, :4]
        ring = _ring_of(labels[y:y + bh, x:x + bw] == i, x, y)
        if ring is not None:
            rings.append(ring)
    kept: list[Ring] = []
    for ring in sorted(rings, key=lambda r: -r.radius):  # a seal's inner ring is part of the seal
        if not any(np.hypot(ring.cx - big.cx, ring.cy - big.cy) < big.radius for big in kept):
            kept.append(ring)
    return kept


def _ring_of(mask: np.ndarray, x: int, y: int) -> Ring | None:
    """The ring a component's pixels draw (subsample coordinates from ``x``, ``y``), or None: a least-squares
    circle through them, most of them on it, and ink all round it."""
    ys, xs = np.nonzero(mask)
    cx, cy, radius = _circle(xs.astype(float), ys.astype(float))
    if radius <= 0:
        return None
    r = np.hypot(xs - cx, ys - cy)
    on = np.abs(r - radius) <= 0.1 * radius
    if np.mean(on) < ON_RING:
        return None
    sectors = np.unique((np.degrees(np.arctan2(ys[on] - cy, xs[on] - cx)) + 180) // 10)
    if len(sectors) < ANGLES * 36:
        return None
    near = r[on]
    width = max(2.0, float(np.percentile(near, 95) - np.percentile(near, 5)) * STEP)
    return Ring((x + cx) * STEP + STEP / 2, (y + cy) * STEP + STEP / 2,
                float(np.percentile(near, 95)) * STEP + STEP / 2, width)


def _circle(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Centre and radius of the least-squares circle through the points (Kåsa); radius 0 when degenerate."""
    a = np.c_[2 * x, 2 * y, np.ones_like(x)]
    (cx, cy, c), *_ = np.linalg.lstsq(a, x * x + y * y, rcond=None)
    squared = c + cx * cx + cy * cy
    return float(cx), float(cy), float(np.sqrt(squared)) if squared > 0 else 0.0


def remove_seals(grey: np.ndarray) -> tuple[np.ndarray, list[Ring]]:
    """``grey`` with every seal found taken off (a copy), and the rings; ``grey`` itself when there is none."""
    rings = find_rings(grey)
    if not rings:
        return grey, []
    out = grey.copy()
    for ring in rings:
        _erase(out, ring)
    return out, rings


def _refine(grey: np.ndarray, ring: Ring) -> Ring:
    """The ring's centre and outer radius at full resolution: a least-squares circle (Kåsa) through the ink
    near the rough circle, twice."""
    for _ in range(2):
        pad = ring.width * 2
        x0, y0 = max(0, int(ring.cx - ring.radius - pad)), max(0, int(ring.cy - ring.radius - pad))
        ys, xs = np.nonzero(grey[y0:int(ring.cy + ring.radius + pad) + 1, x0:int(ring.cx + ring.radius + pad) + 1]
                            < INK)
        xs, ys = xs + x0, ys + y0
        r = np.hypot(xs - ring.cx, ys - ring.cy)
        near = (r >= ring.radius - 1.5 * ring.width) & (r <= ring.radius + 0.5 * ring.width)
        if near.sum() < 50:
            return ring
        x, y = xs[near].astype(float), ys[near].astype(float)
        cx, cy, mid = _circle(x, y)
        rr = np.hypot(x - cx, y - cy)
        rr = rr[np.abs(rr - mid) <= ring.width]
        ring = Ring(float(cx), float(cy), float(np.percentile(rr, 97)) if len(rr) else mid, ring.width)
    return ring


def _erase(grey: np.ndarray, ring: Ring) -> None:
    ring = _refine(grey, ring)
    pad = ring.width * 2
    x0, y0 = max(0, int(ring.cx - ring.radius - pad)), max(0, int(ring.cy - ring.radius - pad))
    x1 = min(grey.shape[1], int(ring.cx + ring.radius + pad) + 1)
    y1 = min(grey.shape[0], int(ring.cy + ring.radius + pad) + 1)
    roi = grey[y0:y1, x0:x1]
    yy, xx = np.mgrid[y0:y1, x0:x1]
    r = np.hypot(xx - ring.cx, yy - ring.cy)
    outer, inner = _ring_radii(roi < INK, r, ring)
    disc = r <= outer[1] + 4
    rows, side = _text_rows(grey, ring, y0, y1)
    # in a row of text crossing the seal, on the text's side of the centre: the letters stay, and the two
    # rings' strokes go but where a stroke crosses them
    keep = rows[:, None] & ((side[:, None] == 0) | ((xx - ring.cx) * side[:, None] > 0))
    strokes = np.zeros_like(keep)
    for a, b in (outer, inner):
        band = (r >= a - 1) & (r <= b + 1)
        strokes |= band & ~_crosses(grey, ring, xx, yy, r, a - 3, b + 3)
    erase = disc & (~keep | strokes)
    roi[erase] = 255


def _ring_radii(ink: np.ndarray, r: np.ndarray, ring: Ring) -> tuple[tuple[float, float], tuple[float, float]]:
    """(from, to) radii of the outer ring's stroke and of the inner ring's (the lettering lies between them),
    from the histogram of ink by radius; without an inner ring, the outer one is taken 25 % thicker inwards."""
    hist = np.bincount(r[ink].astype(int), minlength=int(ring.radius + ring.width * 2) + 1).astype(float)
    length = 2 * np.pi * np.maximum(np.arange(len(hist)), 1)
    share = hist / length  # the share of each circle that is ink: ~1 on a ring
    outer = _stroke(share, int(ring.radius - ring.width * 2), len(share) - 1)
    inner = _stroke(share, int(outer[0] * 0.6), int(outer[0] * 0.95))
    if inner is None or share[int(inner[0]):int(inner[1]) + 1].max() < 0.5:
        inner = (outer[0] * 0.75, outer[0] * 0.75)
    return outer or (ring.radius - ring.width, ring.radius), inner


def _stroke(share: np.ndarray, lo: int, hi: int) -> tuple[float, float] | None:
    """The run of radii around the fullest circle in ``lo``–``hi`` where at least half the circle is ink."""
    lo, hi = max(lo, 1), min(hi, len(share) - 1)
    if hi <= lo:
        return None
    peak = lo + int(np.argmax(share[lo:hi + 1]))
    a = b = peak
    while a > lo and share[a - 1] >= 0.5 * share[peak]:
        a -= 1
    while b < hi and share[b + 1] >= 0.5 * share[peak]:
        b += 1
    return float(a), float(b)


def _text_rows(grey: np.ndarray, ring: Ring, y0: int, y1: int) -> np.ndarray:
    """Rows ``y0``–``y1`` where ink goes on outside the circle, left or right, next to it (a text line)."""
    gap, reach = 2, int(ring.width)  # the name crosses the ring: its ink touches the circle
    out, side = np.zeros(y1 - y0, bool), np.zeros(y1 - y0)
    for y in range(y0, y1):
        dy = y - ring.cy
        if abs(dy) >= ring.radius:
            continue
        half = np.sqrt(ring.radius ** 2 - dy ** 2)
        left = (grey[y, max(0, int(ring.cx - half) - gap - reach):max(0, int(ring.cx - half) - gap)] < INK).any()
        right = (grey[y, int(ring.cx + half) + gap:int(ring.cx + half) + gap + reach] < INK).any()
        out[y - y0], side[y - y0] = bool(left or right), float(right) - float(left)
    rows = _runs(out, int(ring.width * 1.5), int(ring.width))
    # one side per run of rows: where most of its rows see text (both: the text runs through the seal)
    true = np.flatnonzero(np.diff(np.r_[0, rows.astype(int), 0]))
    for a, b in zip(true[::2], true[1::2], strict=True):
        total = side[a:b].sum()
        side[a:b] = np.sign(total) if abs(total) > 0.3 * (b - a) else 0.0
    return rows, side


def _runs(rows: np.ndarray, min_len: int, bridge: int) -> np.ndarray:
    """``rows`` with gaps up to ``bridge`` filled (a dot over a letter) and runs shorter than ``min_len``
    dropped (a stray dot is not a text line)."""
    out = rows.copy()
    true = np.flatnonzero(rows)
    for a, b in zip(true[:-1], true[1:], strict=True):
        if 1 < b - a <= bridge:
            out[a:b] = True
    rows = out.copy()
    start = None
    for i, v in enumerate([*rows.tolist(), False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start < min_len:
                out[start:i] = False
            start = None
    return out


def _crosses(grey: np.ndarray, ring: Ring, xx: np.ndarray, yy: np.ndarray, r: np.ndarray,
             inside: float, outside: float) -> np.ndarray:
    """Pixels with ink on the same radius at ``inside`` and at ``outside`` (a stroke across the annulus)."""
    safe = np.maximum(r, 1.0)
    ux, uy = (xx - ring.cx) / safe, (yy - ring.cy) / safe
    found = []
    for radius in (inside, outside):
        sx = np.clip(np.rint(ring.cx + ux * radius).astype(int), 0, grey.shape[1] - 1)
        sy = np.clip(np.rint(ring.cy + uy * radius).astype(int), 0, grey.shape[0] - 1)
        found.append(grey[sy, sx] < INK)
    return found[0] & found[1]
