"""A black seal on a bitonal page (:mod:`ingest.seal`): found and taken off, the signer's name crossing it
kept; pages without a seal, colour seals and seal-sized shapes that are not rings left alone."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest.preprocess import clean
from ingest.seal import find_rings, remove_seals
from pipelines.samples.degrade import Degradation
from pipelines.samples.render import render_document
from pipelines.samples.spec import load_specs
from pipelines.samples.variants import BLACK_INK, bitonal, seal_over_name_pages

NO_SEAL = frozenset({"seal-ring"})
MM = 300 / 25.4  # pixels per mm at 300 dpi


@pytest.fixture(scope="module")
def foot() -> dict:
    """The last page of the long-Nơi-nhận QĐ: black seal over the name, bitonal (as the inbox's TIFF, other seed)."""
    spec = next(s for s in load_specs() if s.name.startswith("12_"))
    image, page = seal_over_name_pages(spec, Degradation(skew_deg=0.6, noise=4), np.random.default_rng(7),
                                       BLACK_INK)[-1]
    grey = np.asarray(bitonal(image).convert("L"))
    return {"spec": spec, "without": clean(grey, skip=NO_SEAL), "with": clean(grey), "page": page}


def test_the_black_seal_ring_is_found_once_at_its_size(foot):
    rings = find_rings(foot["without"].image)
    assert len(rings) == 1  # the inner ring is part of the same seal
    assert 30 * MM <= 2 * rings[0].radius <= 37 * MM  # the sample's seal: 95 pt ≈ 33.5 mm
    assert foot["with"].steps[-1] == "seal-ring(1)"


def test_the_ring_and_its_lettering_go_and_the_name_stays(foot):
    before, after = foot["without"].image, foot["with"].image
    ring = find_rings(before)[0]
    yy, xx = np.mgrid[:before.shape[0], :before.shape[1]]
    r = np.hypot(xx - ring.cx, yy - ring.cy)
    disc = r <= ring.radius + 4
    ink_before, ink_after = int((before[disc] < 128).sum()), int((after[disc] < 128).sum())
    assert ink_after < 0.25 * ink_before  # the ring, the lettering, the star
    # the upper half of the circle holds no text here: nothing of the seal is left there
    upper = disc & (yy < ring.cy - 0.3 * ring.radius) & (xx < ring.cx)
    assert (after[upper] < 128).sum() == 0
    # outside the circle nothing changed: the name's letters right of the ring, the Nơi nhận on the left
    assert np.array_equal(before[~disc & (r < 3 * ring.radius)], after[~disc & (r < 3 * ring.radius)])
    # the name row inside the circle keeps ink: its first letters ("Lê T") cross the ring
    name_rows = (after < 128)[:, int(ring.cx):int(ring.cx + ring.radius)].any(axis=1)
    assert name_rows[int(ring.cy):int(ring.cy + ring.radius)].sum() >= 30


def test_a_page_without_a_seal_is_returned_as_it_is():
    spec = next(s for s in load_specs() if s.name.startswith("12_"))
    grey = np.asarray(bitonal(render_document(spec)[-1].image).convert("L"))
    cleaned = clean(grey, skip=NO_SEAL).image
    same, rings = remove_seals(cleaned)
    assert rings == [] and same is cleaned


def test_a_red_seal_on_a_colour_scan_is_gone_before_the_search():
    spec = next(s for s in load_specs() if s.name.startswith("13_"))
    image, _ = seal_over_name_pages(spec, Degradation(noise=5), np.random.default_rng(3), (205.0, 35.0, 45.0))[-1]
    cleaned = clean(np.asarray(image.convert("RGB")))
    assert not any(step.startswith("seal-ring") for step in cleaned.steps)


def test_seal_sized_shapes_that_are_not_rings_are_left_alone():
    page = np.full((3508, 2480), 255, np.uint8)
    size = int(38 * MM)
    cv2.circle(page, (500, 600), size // 2, 0, -1)                            # a filled disc (a logo)
    cv2.rectangle(page, (1200, 400), (1200 + size, 400 + size), 0, 8)         # a square frame ("ĐẾN" stamp)
    cv2.ellipse(page, (600, 1800), (size // 2, size // 4), 0, 0, 360, 0, 8)   # an ellipse, 2:1
    cv2.ellipse(page, (1500, 1800), (size // 2, size // 2), 0, 0, 250, 0, 8)  # two-thirds of a ring
    for k in range(6):                                                        # a table grid
        cv2.line(page, (300, 2500 + k * 150), (2200, 2500 + k * 150), 0, 4)
        cv2.line(page, (300 + k * 380, 2500), (300 + k * 380, 3250), 0, 4)
    assert find_rings(page) == []
    cv2.circle(page, (1900, 1000), size // 2, 0, 8)                           # a ring: found
    assert len(find_rings(page)) == 1
