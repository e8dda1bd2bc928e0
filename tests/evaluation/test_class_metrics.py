"""Class metrics of generated images by hand: normalised class entropy,
class accuracy, intra-class Fréchet distance, tag accuracy; and the
evaluate command line's new inputs and metric names."""

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import metrics as M
from tfgan_zoo.evaluation.samples import parse_metrics


def test_class_entropy_is_normalised_by_log_k():
    certain = np.array([[50.0, 0, 0, 0]])
    uniform = np.zeros((1, 4))
    half = np.log(np.array([[0.5, 0.5, 1e-12, 1e-12]]))
    assert M.class_entropy(certain) == pytest.approx((0.0, 0.0), abs=1e-6)
    assert M.class_entropy(uniform) == pytest.approx((1.0, 1.0))
    assert M.class_entropy(half)[0] == pytest.approx(np.log(2) / np.log(4), rel=1e-6)
    entropy, unsure = M.class_entropy(np.concatenate([certain, uniform]))
    assert entropy == pytest.approx(0.5) and unsure == 0.5


def test_class_accuracy_and_intra_class_fd():
    logits = np.eye(3)[[0, 1, 2, 2]]
    assert M.class_accuracy(logits, [0, 1, 2, 0]) == 0.75
    with pytest.raises(UserError, match="4 images but 3 labels"):
        M.class_accuracy(logits, [0, 1, 2])
    rng = np.random.default_rng(0)
    real = rng.normal(size=(400, 2))
    labels = np.arange(400) % 2
    real[labels == 1] += 5
    fake_same = real + rng.normal(scale=1e-3, size=real.shape)
    mean, per_class = M.intra_class_fd(real, labels, fake_same, labels)
    assert mean < 1e-3 and set(per_class) == {0, 1}
    # Swapping the fakes' labels keeps the overall FD but not the per-class one.
    assert M.fid_from_features(real, fake_same) < 1e-3
    assert M.intra_class_fd(real, labels, fake_same, 1 - labels)[0] > 40


def test_tag_accuracy_per_group():
    from tfgan_zoo.data import cartoon_faces as faces
    from tfgan_zoo.evaluation.tags import tag_accuracy
    target = faces.sample_tags(4, seed=0)
    read = target.copy()
    read[0, :6] = np.roll(read[0, :6], 1)      # wrong hair colour
    read[1, 13] = 1 - read[1, 13]              # wrong glasses
    scores = tag_accuracy(read, target)
    assert scores["hair colour"] == 0.75 and scores["glasses"] == 0.75
    assert scores["eye colour"] == 1.0 and scores["all"] == 0.5


def test_metric_names():
    assert parse_metrics("acc[mnist-cnn],ifd[mnist-cnn],entropy[mnist-cnn],pr[mnist-cnn]") \
        == ["acc[mnist-cnn]", "ifd[mnist-cnn]", "entropy[mnist-cnn]", "pr[mnist-cnn]"]
    with pytest.raises(UserError, match="unknown metric"):
        parse_metrics("acc[inception]")


@pytest.mark.parametrize("argv, message", [
    (["--input", "truncation"], "--input takes NAME=NUMBER"),
    (["--input", "truncation=0"], "truncation must be > 0"),
    (["--input", "=3"], "--input takes NAME=NUMBER"),
])
def test_evaluate_input_errors(argv, message, capsys, tmp_path):
    from tfgan_zoo.evaluate import main
    assert main([str(tmp_path)] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
