"""The AnoGAN one-class and IcGAN editing reports on tiny models: the keys
and ranges the RESULTS tables read, and the one-class dataset check."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.reports.anomaly import normal_of, score_one_class
from tfgan_zoo.reports.editing import edit_scores
from tests.support.models import SHAPE, build_for_export

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(-1, 1, (20, *SHAPE)).astype("float32")
LABELS = np.arange(20) % 10


def test_one_class_report():
    model = build_for_export("anogan", search_steps=2)
    report = score_one_class(model, IMAGES, LABELS, list(range(9)), batch=8)
    assert report["anomalies"] == 2 and report["queries"] == 20
    for path in ("anogan", "f_anogan"):
        assert 0 <= report[path]["auroc"] <= 1 and 0 <= report[path]["eer"] <= 1
        assert report[path]["seconds_per_query"] > 0
    assert normal_of("mnist5k:train:normal=0-8") == list(range(9))
    with pytest.raises(UserError, match="not a one-class split"):
        normal_of("mnist5k:train")


def test_editing_report():
    model = build_for_export("icgan")
    # A judge that always reads class 3: right on exactly the edits to 3.
    judge = lambda x: np.eye(10)[np.full(len(x), 3)]  # noqa: E731
    report = edit_scores(model, IMAGES, LABELS, judge)
    assert report["label_swap_edits"] == 20 * 9
    assert report["label_swap_accuracy"] == pytest.approx(18 / 180)
    assert -1 <= report["reconstruction_ssim"] <= 1 and -1 <= report["random_z_ssim"] <= 1
