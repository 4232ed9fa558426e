import hashlib

import numpy as np

from pipelines.samples.inbox import scan_pages
from pipelines.samples.spec import load_specs, parse_spec


def test_inbox_has_the_mix_the_demo_promises(inbox):
    root, man = inbox
    units = {f.unit for f in man.good}
    pages = sum(len(f.pages) for f in man.good)
    docs = {p.doc for f in man.good for p in f.pages}
    assert len(units) >= 3 and len(docs) >= 8 and pages >= 20
    suffixes = {f.path.rsplit(".", 1)[-1] for f in man.files}
    assert {"pdf", "tif", "png", "jpg"} <= suffixes
    assert any(".zip/" in f.path for f in man.good)
    assert any(p.digital for f in man.good for p in f.pages)
    multi = [f for f in man.good if len({p.doc for p in f.pages}) > 1]
    assert multi, "one file must hold several documents"
    assert len([f for f in man.files if f.bad]) >= 4
    for f in man.files:
        if ".zip/" not in f.path:
            assert (root / f.path).exists()


def test_rendering_is_deterministic():
    spec = load_specs()[5]
    a = scan_pages(spec, "scan", np.random.default_rng(7))
    b = scan_pages(spec, "scan", np.random.default_rng(7))
    digest = [hashlib.sha256(img.tobytes()).hexdigest() for img, _ in a]
    assert digest == [hashlib.sha256(img.tobytes()).hexdigest() for img, _ in b]


def test_spec_parser_names_the_bad_line():
    try:
        parse_spec("unit: X\nnonsense line\nbody:\ntext", "bad.txt")
    except ValueError as exc:
        assert "bad.txt:2" in str(exc)
    else:
        raise AssertionError("no error")
