"""The page quadrilateral of a phone photo (ingest/perspective.py) on synthetic images: a bright sheet with
text lines warped onto a dark textured background, a page that fills the frame, and the fallback."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.perspective import APPLIED, LONG_SIDE, NO_EDGE, find_page, order_corners, rectify

W, H = 900, 1200  # the photo
PAGE = (420, 594)  # the sheet before the warp (A4 proportions)
CORNERS = np.array([[230, 180], [690, 215], [740, 1010], [170, 990]], dtype=np.float32)  # tl, tr, br, bl


def sheet() -> np.ndarray:
    """A white A4 sheet with dark text lines and a black square mark near its top-left corner."""
    page = np.full((PAGE[1], PAGE[0], 3), 235, np.uint8)
    for y in range(60, PAGE[1] - 60, 22):
        cv2.rectangle(page, (40, y), (PAGE[0] - 40 - (y * 7) % 90, y + 9), (30, 30, 30), -1)
    cv2.rectangle(page, (40, 20), (80, 50), (0, 0, 0), -1)
    return page


def photo(corners: np.ndarray = CORNERS, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    background = np.clip(55 + rng.normal(0, 12, (H, W, 1)) + 20 * np.sin(np.arange(H) / 9.0)[:, None, None],
                         0, 255) * np.array([1.0, 0.8, 0.6])
    src = np.array([[0, 0], [PAGE[0] - 1, 0], [PAGE[0] - 1, PAGE[1] - 1], [0, PAGE[1] - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, corners)
    warped = cv2.warpPerspective(sheet().astype(np.float32), m, (W, H))
    mask = cv2.warpPerspective(np.ones(PAGE[::-1], np.float32), m, (W, H))[..., None]
    light = np.linspace(1.0, 0.6, W, dtype=np.float32)[None, :, None]  # uneven light
    return np.clip((warped * mask + background * (1 - mask)) * light, 0, 255).astype(np.uint8)


def test_the_quadrilateral_of_a_photographed_page_is_found() -> None:
    verdict, corners = find_page(photo())
    assert verdict == "found"
    assert np.abs(corners - CORNERS).max() < 6  # within a few pixels of the true corners


def test_the_page_is_made_rectangular_and_the_matrix_maps_the_photo_onto_it() -> None:
    image = photo()
    page = rectify(image)
    assert page.steps == [APPLIED]
    h, w = page.image.shape[:2]
    assert abs(w / h - PAGE[0] / PAGE[1]) < 0.03  # A4 proportions again
    assert h == LONG_SIDE  # enlarged to an A4 page at 300 dpi
    # the photo's corners land on the corners of the corrected page (within ~1 % of its size)
    mapped = cv2.perspectiveTransform(CORNERS[None], page.matrix)[0]
    assert np.abs(mapped - [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]).max() < 0.01 * h
    # the black mark near the sheet's top-left corner is near the corrected page's top-left corner
    grey = cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY)
    ys, xs = np.nonzero(grey[: h // 8, : w // 4] < 60)
    assert xs.size and xs.mean() < w * 0.2 and ys.mean() < h * 0.1
    # text lines are horizontal again: each dark row band spans most of the width at one height
    rows = (grey[h // 4: 3 * h // 4, w // 8: 7 * w // 8] < 100).mean(axis=1)
    assert rows.max() > 0.6


def test_a_page_turned_the_other_way_is_ordered_from_its_top_left() -> None:
    shuffled = CORNERS[[2, 0, 3, 1]]
    assert np.array_equal(order_corners(shuffled), CORNERS)


def test_a_scan_that_fills_the_frame_is_left_alone() -> None:
    page = np.full((1200, 850, 3), 245, np.uint8)
    for y in range(80, 1100, 30):
        cv2.rectangle(page, (70, y), (780, y + 10), (20, 20, 20), -1)
    page[:, :, :] = page * np.linspace(1.0, 0.6, 850)[None, :, None]  # uneven light is still paper
    result = rectify(page)
    assert result.steps == [] and result.image is page and np.array_equal(result.matrix, np.eye(3))


@pytest.mark.parametrize("case", ["cut-off", "no-sheet"])
def test_no_page_edge_falls_back_to_the_photo_as_it_is(case: str) -> None:
    if case == "cut-off":  # the sheet runs out of the frame on two sides: no quadrilateral in view
        image = photo(np.array([[-300, -250], [690, 215], [740, 1010], [-250, 1500]], np.float32))
    else:  # a dark desk with nothing on it
        image = np.clip(50 + np.random.default_rng(3).normal(0, 10, (H, W, 3)), 0, 255).astype(np.uint8)
    result = rectify(image)
    assert result.steps == [NO_EDGE] and result.image is image and result.corners is None


def test_compose_chains_the_matrices_and_names_the_step() -> None:
    page = rectify(photo())
    cleaned = {"matrix": [[1, 0, -5], [0, 1, -7], [0, 0, 1]], "steps": ["flatten-light"], "text": "x"}
    out = page.compose(cleaned)
    assert out["steps"] == [APPLIED, "flatten-light"] and out["text"] == "x"
    assert np.allclose(out["matrix"], np.array(cleaned["matrix"]) @ page.matrix)
    assert rectify(np.full((50, 40, 3), 240, np.uint8)).compose(cleaned) is cleaned
