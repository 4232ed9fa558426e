"""Clean a page image before OCR (OpenCV).

Steps, each kept because it lowered the character error rate on the project's generated scans
(figures in BENCHMARKS.md):

1. red channel as grey: red seals and stamps become paper-white, black and blue ink stay dark;
2. crop the dark borders a scanner lid leaves on the edges;
3. illumination flattening: divide by a blurred background estimate (shadows, yellowed paper);
4. 3x3 median: speckle noise;
5. quarter-turn detection from projection profiles (a page fed sideways);
6. projection-profile deskew (the angle that makes text rows sharpest);
7. a black seal's ring and lettering taken off, the text crossing it kept (:mod:`ingest.seal`; a bitonal scan,
   where the seal is not red any more; nothing changes on a page without a seal ring).

The grey image goes to tesseract, which binarises better itself than a global or adaptive threshold
did here. Every geometric step is recorded in a 3x3 matrix mapping raster pixels of the original page to
pixels of the cleaned image, so word boxes can be drawn back onto the original (searchable PDF, web).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ingest.seal import remove_seals

# Bump when any step changes: cached OCR results are keyed by it.
PREPROCESS_VERSION = "pp4-seal"
# What the cache key takes: the steps' version and OpenCV's, whose own output moves between releases (5.0 → 5.1
# changed warpAffine's rounding on ~1,400 pixels of a page, and tesseract read a header word differently).
PREPROCESS_ID = f"{PREPROCESS_VERSION}|opencv {cv2.__version__}"


@dataclass
class Cleaned:
    image: np.ndarray  # uint8 grey
    matrix: list[list[float]]  # cleaned = matrix @ original (homogeneous pixel coordinates)
    steps: list[str] = field(default_factory=list)
    skew_deg: float = 0.0
    quarter_turns: int = 0


def to_grey(image: np.ndarray) -> np.ndarray:
    """Red channel of an RGB array (drops red ink); grey arrays pass through."""
    if image.ndim == 3:
        return np.ascontiguousarray(image[:, :, 0])
    return image


def dark_border_box(grey: np.ndarray, dark: int = 90, share: float = 0.55, reach: float = 0.08) -> tuple:
    """(top, bottom, left, right) inside the dark strips along the edges."""
    h, w = grey.shape
    mask = grey < dark
    rows = mask.mean(axis=1)
    cols = mask.mean(axis=0)

    def inward(profile: np.ndarray, limit: int) -> int:
        n = 0
        while n < limit and profile[n] > share:
            n += 1
        return n + (4 if n else 0)

    top = inward(rows, int(h * reach))
    bottom = h - inward(rows[::-1], int(h * reach))
    left = inward(cols, int(w * reach))
    right = w - inward(cols[::-1], int(w * reach))
    return top, bottom, left, right


def flatten_illumination(grey: np.ndarray) -> np.ndarray:
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), 6)
    background = cv2.resize(background, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(grey, np.maximum(background, 1), scale=255)
    return out


def _ink(grey: np.ndarray, width: int) -> np.ndarray:
    scale = width / grey.shape[1]
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink  # uint8 0/1: turning it is half the work of a float32 copy, and the row sums are the same


def _row_sharpness(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(ink, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = turned.sum(axis=1, dtype=np.float32)  # exact (counts of 0/1 pixels), as with float32 pixels
    return float(np.var(np.diff(profile)))


def _best_angle(ink: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    scores = [(_row_sharpness(ink, float(a)), float(a)) for a in angles]
    return max(scores)


def estimate_orientation(grey: np.ndarray, max_deg: float = 6.0) -> tuple[int, float]:
    """(quarter turns, skew degrees) that make text rows sharpest.

    The upright page and the page turned a quarter are searched over the same coarse angles; a sideways
    page has much sharper rows once turned. Skew is counter-clockwise positive, refined to 0.1°.
    """
    ink = _ink(grey, 700)
    if ink.sum() < 50:
        return 0, 0.0
    coarse = np.arange(-max_deg, max_deg + 0.01, 0.5)
    upright = _best_angle(ink, coarse)
    turns = 0
    sideways_ink = np.ascontiguousarray(np.rot90(ink, 3))
    sideways = _best_angle(sideways_ink, coarse)
    if sideways[0] > 1.5 * upright[0]:
        turns, ink, upright = 3, sideways_ink, sideways
    fine = np.arange(upright[1] - 0.5, upright[1] + 0.51, 0.1)
    return turns, _best_angle(ink, fine)[1]


def rotate_bound(grey: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by ``angle`` degrees keeping the whole page; returns the image and its 3x3 matrix."""
    h, w = grey.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    rot[0, 2] += nw / 2 - w / 2
    rot[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(grey, rot, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)
    return out, np.vstack([rot, [0, 0, 1]])


def quarter_turn(grey: np.ndarray, turns: int) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by ``turns`` × 90° counter-clockwise, exactly (no resampling)."""
    turns %= 4
    h, w = grey.shape
    out = np.ascontiguousarray(np.rot90(grey, turns))
    matrices = {
        0: [[1, 0, 0], [0, 1, 0]],
        1: [[0, 1, 0], [-1, 0, w - 1]],
        2: [[-1, 0, w - 1], [0, -1, h - 1]],
        3: [[0, -1, h - 1], [1, 0, 0]],
    }
    return out, np.vstack([np.array(matrices[turns], dtype=float), [0, 0, 1]])


# A page with less ink than this share of its pixels is blank (a separator sheet, the back of a one-sided
# page) and is not OCRed. Generated blank sheets and backs with show-through, in every degradation profile,
# have none at all; the sparsest text page of the samples 0.25 %; a short line of five characters ~0.01 %.
BLANK_INK_SHARE = 0.0001


def ink_share(grey: np.ndarray, width: int = 800) -> float:
    """Share of the page that is ink: at ``width`` pixels wide (averaging away noise), scanner borders
    cropped, light flattened, pixels darker than mid-grey. Some 20 ms for an A4 page at 300 dpi."""
    scale = min(1.0, width / grey.shape[1])
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    top, bottom, left, right = dark_border_box(small)
    small = small[top:bottom, left:right]
    if small.size == 0:
        return 1.0
    return float(np.count_nonzero(flatten_illumination(small) < 128) / small.size)


def is_blank(grey: np.ndarray) -> bool:
    """No text worth OCR on this page (see :data:`BLANK_INK_SHARE`)."""
    return ink_share(grey) < BLANK_INK_SHARE


STEPS = ("red-channel", "crop-borders", "flatten-light", "median3", "orient-deskew", "seal-ring")


def clean(image: np.ndarray, *, deskew: bool = True, skip: frozenset[str] = frozenset()) -> Cleaned:
    """Run the cleaning steps; ``skip`` names steps to leave out (for measuring what each one is worth)."""
    if image.ndim == 3:
        grey = to_grey(image) if "red-channel" not in skip else np.ascontiguousarray(
            (image[:, :, :3] @ np.array([0.299, 0.587, 0.114])).astype(np.uint8))
    else:
        grey = image
    matrix = np.eye(3)
    steps = [] if "red-channel" in skip else ["red-channel"]
    top, bottom, left, right = dark_border_box(grey)
    if "crop-borders" not in skip and ((top, left) != (0, 0) or (bottom, right) != grey.shape):
        grey = grey[top:bottom, left:right]
        matrix = np.array([[1, 0, -left], [0, 1, -top], [0, 0, 1]], dtype=float) @ matrix
        steps.append("crop-borders")
    if "flatten-light" not in skip:
        grey = flatten_illumination(grey)
        steps.append("flatten-light")
    if "median3" not in skip:
        grey = cv2.medianBlur(grey, 3)
        steps.append("median3")
    deskew = deskew and "orient-deskew" not in skip
    turns, skew = estimate_orientation(grey) if deskew else (0, 0.0)
    if turns:
        grey, m = quarter_turn(grey, turns)
        matrix = m @ matrix
        steps.append("quarter-turn")
    if deskew and abs(skew) >= 0.1:
        grey, m = rotate_bound(grey, skew)
        matrix = m @ matrix
        steps.append(f"deskew({skew:+.1f})")
    if "seal-ring" not in skip:
        grey, rings = remove_seals(grey)
        if rings:
            steps.append(f"seal-ring({len(rings)})")
    return Cleaned(grey, matrix.tolist(), steps, skew, turns)


def rotate_half(cleaned: Cleaned) -> Cleaned:
    """The same page turned 180° (for upside-down scans, detected by OCR confidence)."""
    grey, m = quarter_turn(cleaned.image, 2)
    matrix = (m @ np.array(cleaned.matrix)).tolist()
    return Cleaned(grey, matrix, [*cleaned.steps, "half-turn"], cleaned.skew_deg,
                   (cleaned.quarter_turns + 2) % 4)
