"""Phone photos of a page: find the sheet's four corners and undo the perspective (OpenCV).

A clerk who photographs a document on a desk sends the page as a trapezium on a dark background, tilted
and unevenly lit. Before the usual cleaning (:mod:`ingest.preprocess`) the page is cut out and made
rectangular again:

1. a small grey copy (long side :data:`WORK_SIDE` px). When the image's edges are about as bright as its
   middle (:data:`EDGE_RATIO`), paper reaches the edges: the page fills the frame (a flatbed scan, a photo
   cropped to the sheet) and nothing is done. This test comes first because on a page without a
   background Otsu's threshold would split an uneven light gradient of the paper itself;
2. otherwise, blurred, Otsu's threshold separates the bright sheet from the darker background (the two
   sides must differ by :data:`MIN_CONTRAST` grey levels: a sheet, not two halves of the same noise); a
   closing fills the text inside the sheet and an opening removes bright specks of the background. A
   largest bright region covering :data:`FILLS_FRAME` of the image or more also fills the frame
   (scanner-lid strips along the edges); one that runs along the image's edges (:data:`MAX_ON_EDGE`) is a
   sheet cut off by the frame, whose corners are not all in view;
3. otherwise its outline is simplified (``approxPolyDP``) until it has four corners; a convex
   quadrilateral of at least :data:`MIN_AREA` of the image is the page, and ``getPerspectiveTransform`` +
   ``warpPerspective`` (bicubic) map it onto an upright rectangle with the proportions of the quadrilateral's
   longer edges, enlarged so that its long side is :data:`LONG_SIDE` px when the photo holds fewer: an A4
   sheet at 300 dpi, the resolution the cleaning and tesseract are tuned for (an 8-megapixel photo gives the
   page ~220 dpi; enlarged, the sample photos' strict CER fell from 3.1 % to 0.5 % on a page, BENCHMARKS.md);
4. no such quadrilateral (a page edge outside the frame, a background as light as the paper): the
   fallback is the photo as it is, and the page's steps say so (:data:`NO_EDGE`), so a poor OCR result
   can be traced to it.

The 3x3 matrix maps pixels of the original photo to pixels of the corrected page (a homography); the
caller composes it with the cleaning's matrix so that word boxes can still be drawn on the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

WORK_SIDE = 1000  # px: the long side of the copy the corners are searched on
EDGE_RATIO = 0.6  # median of a 2 % ring along the edges ≥ this × the middle's: paper reaches the edges
PAPER = 100  # the middle of a page is at least this bright (grey level)
FILLS_FRAME = 0.9  # the bright region covers this share of the image: the page fills the frame already
MIN_CONTRAST = 50.0  # grey levels between the mean of the sheet side and of the background side
MAX_ON_EDGE = 0.03  # share of the image's edge pixels inside the sheet beyond which it is cut off
MIN_AREA = 0.2  # a page quadrilateral covers at least this share of the image
LONG_SIDE = 3508  # px: the corrected page's long side at least (A4 at 300 dpi); never made smaller
APPLIED = "perspective"  # the step's name in a page's steps when the page was found and rectified
NO_EDGE = "perspective-no-page-edge"  # the fallback's: a photo whose page edge was not found, left as it is


@dataclass
class Rectified:
    """The page for cleaning, and how it was obtained from the original raster."""

    image: np.ndarray
    matrix: np.ndarray = field(default_factory=lambda: np.eye(3))  # corrected = matrix @ original
    steps: list[str] = field(default_factory=list)  # [], [APPLIED] or [NO_EDGE]
    corners: np.ndarray | None = None  # the page's corners in the original (tl, tr, br, bl), when found

    def compose(self, page: dict) -> dict:
        """A page result computed on :attr:`image` (``matrix``: original → cleaned of *this* image, ``steps``)
        as seen from the original raster: the matrices chained, this step first in the steps."""
        if not self.steps:
            return page
        matrix = (np.array(page["matrix"], dtype=float) @ self.matrix).tolist()
        return page | {"matrix": matrix, "steps": [*self.steps, *page["steps"]]}


def _grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_RGB2GRAY)


def _sheet_mask(grey: np.ndarray) -> np.ndarray | None:
    blurred = cv2.GaussianBlur(grey, (5, 5), 0)
    _, mask = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = mask > 0
    if bright.all() or not bright.any() or blurred[bright].mean() - blurred[~bright].mean() < MIN_CONTRAST:
        return None
    side = max(3, round(max(grey.shape) / 60)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)


def _ring(image: np.ndarray, r: int) -> np.ndarray:
    return np.concatenate([image[:r].ravel(), image[-r:].ravel(), image[:, :r].ravel(), image[:, -r:].ravel()])


def _paper_at_edges(grey: np.ndarray) -> bool:
    h, w = grey.shape
    middle = float(np.median(grey[h // 4:3 * h // 4, w // 4:3 * w // 4]))
    ring = float(np.median(_ring(grey, max(2, round(0.02 * min(h, w))))))
    return middle >= PAPER and ring >= EDGE_RATIO * middle


def _cut_off(contour: np.ndarray, shape: tuple[int, ...]) -> bool:
    """The region runs along the image's edges: the sheet goes on outside the frame."""
    region = np.zeros(shape[:2], np.uint8)
    cv2.drawContours(region, [contour], -1, 1, thickness=cv2.FILLED)
    return float(_ring(region, 1).mean()) > MAX_ON_EDGE


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (float32, shape 4×2)."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    total, diff = pts.sum(axis=1), pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(total)], pts[np.argmin(diff)], pts[np.argmax(total)], pts[np.argmax(diff)]],
                    dtype=np.float32)


def _quadrilateral(contour: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(contour, True)
    hull = cv2.convexHull(contour)
    for share in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return approx.reshape(4, 2).astype(np.float32)
        if len(approx) < 4:
            return None
    return None


def find_page(image: np.ndarray) -> tuple[str, np.ndarray | None]:
    """Where the page is: ``("fills", None)`` when it fills the frame, ``("found", corners)`` with its corners
    in image pixels (tl, tr, br, bl), or ``("none", None)`` when no page edge was found."""
    grey = _grey(image)
    h, w = grey.shape
    scale = min(1.0, WORK_SIDE / max(h, w))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    if _paper_at_edges(small):
        return "fills", None
    mask = _sheet_mask(small)
    if mask is None:
        return "none", None
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return "none", None
    largest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(largest) / (small.shape[0] * small.shape[1])
    if area >= FILLS_FRAME:
        return "fills", None
    if area < MIN_AREA or _cut_off(largest, small.shape):
        return "none", None
    quad = _quadrilateral(largest)
    if quad is None or cv2.contourArea(quad) / (small.shape[0] * small.shape[1]) < MIN_AREA:
        return "none", None
    return "found", order_corners(quad / scale)


def rectify(image: np.ndarray, long_side: int = LONG_SIDE) -> Rectified:
    """The page cut out of a photo and made upright-rectangular (its long side at least ``long_side`` px;
    0 keeps the photo's resolution); the image unchanged when the page fills the frame (no step) or when no
    page edge is found (the :data:`NO_EDGE` fallback)."""
    verdict, corners = find_page(image)
    if verdict == "fills":
        return Rectified(image)
    if verdict == "none" or corners is None:
        return Rectified(image, steps=[NO_EDGE])
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    scale = max(1.0, long_side / max(width, height))
    width, height = round(width * scale), round(height * scale)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    page = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
    return Rectified(page, matrix.astype(float), [APPLIED], corners)
