"""Page cleaning on rendered pages: the geometry it finds and the matrix it records."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.preprocess import clean, dark_border_box, estimate_orientation, quarter_turn
from pipelines.samples.degrade import Degradation, degrade
from pipelines.samples.render import render_document
from pipelines.samples.spec import load_specs


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return np.asarray(render_document(load_specs()[1], dpi=150)[0].image)


@pytest.mark.parametrize("angle", [-3.0, -1.2, 0.0, 2.0, 4.5])
def test_skew_is_found_within_a_fifth_of_a_degree(page, angle):
    img = np.asarray(degrade(page_image(page), Degradation(skew_deg=angle), np.random.default_rng(1)))
    turns, skew = estimate_orientation(img[:, :, 0])
    assert turns == 0
    assert abs(skew + angle) <= 0.2  # the correction turns the other way


def test_sideways_page_is_turned_upright(page):
    sideways = np.ascontiguousarray(np.rot90(page[:, :, 0], 1))
    cleaned = clean(sideways)
    assert "quarter-turn" in cleaned.steps
    assert cleaned.image.shape[0] > cleaned.image.shape[1]  # portrait again


def test_scanner_borders_are_cropped(page):
    img = np.asarray(degrade(page_image(page), Degradation(borders=True), np.random.default_rng(3)))
    top, bottom, left, right = dark_border_box(img[:, :, 0])
    assert left > 0 and right < img.shape[1] and top > 0
    assert "crop-borders" in clean(img).steps


def test_red_seal_disappears_from_the_grey_image(page):
    img = page.copy()
    img[100:200, 100:200] = (205, 35, 45)  # seal ink
    assert clean(img, deskew=False).image[120:180, 120:180].mean() > 200


def test_matrix_maps_original_pixels_to_cleaned_pixels():
    grey = np.full((40, 60), 255, np.uint8)
    grey[5, 10] = 0
    for turns in range(4):
        out, m = quarter_turn(grey, turns)
        x, y, _ = m @ np.array([10, 5, 1])
        assert out[int(round(y)), int(round(x))] == 0


def page_image(arr: np.ndarray):
    from PIL import Image

    return Image.fromarray(arr)
