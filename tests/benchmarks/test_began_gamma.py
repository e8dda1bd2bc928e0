"""benchmarks/began_gamma.py: the reader each dataset gets, its arguments'
one-line errors, and the face reader (colour pairs by hand, precision /
recall and pairs of faces against themselves and against one face)."""

import keras
import numpy as np
import pytest

from tfgan_zoo.data import cartoon_faces as faces
from tfgan_zoo.evaluation.tags import tag_classifier
from tests.support.scripts import load_benchmark


@pytest.fixture(scope="module")
def script():
    return load_benchmark("began_gamma")


def test_each_dataset_gets_its_reader_and_others_are_refused(script):
    assert script.reader_of("mnist5k:train") == "digits"
    assert script.reader_of("cartoon_faces") == "faces"
    assert script.reader_of("cartoon_faces:test:500") == "faces"
    with pytest.raises(ValueError, match="no reader for dataset 'heads'.*cartoon_faces"):
        script.reader_of("heads")


def test_dataset_argument_picks_the_reader_and_the_default_is_the_recipes(script):
    from tfgan_zoo.recipes import get_recipe

    args = script.parse_args(["--dataset", "cartoon_faces", "--num-samples", "300"])
    assert (args.dataset, args.reader, args.inception_samples) == ("cartoon_faces", "faces", 300)
    args = script.parse_args(["--dataset", "cartoon_faces", "--inception-samples", "0",
                              "--set", "d_lr=1e-4", "--set", "log_every=10",
                              "--set", "mixed_precision=none"])
    assert args.inception_samples == 0
    assert args.extra == {"d_lr": 1e-4, "log_every": 10, "mixed_precision": "none"}
    assert isinstance(args.extra["log_every"], int)  # the Config field is an int
    default = script.parse_args([])
    assert default.dataset == get_recipe("began").RECIPE.dataset
    assert default.reader == script.reader_of(default.dataset)


@pytest.mark.parametrize("argv, message", [
    (["--dataset", "heads"], "no reader for dataset 'heads'"),
    (["--dataset", "cartoon_faces", "--mnist-cnn-pr"], "--mnist-cnn-pr reads digits"),
    (["--dataset", "mnist5k:train", "--inception-samples", "100"],
     "--inception-samples is for faces"),
    (["--dataset", "cartoon_faces", "--inception-samples", "-1"], "must be >= 1"),
    (["--dataset", "cartoon_faces", "--num-samples", "0"], "must be >= 1"),
    (["--set", "dataset=cartoon_faces"], "pass the dataset as --dataset"),
    (["--set", "d_lr"], "--set needs KEY=VALUE"),
])
def test_bad_arguments_are_one_line_errors(script, capsys, argv, message):
    with pytest.raises(SystemExit):
        script.parse_args(argv)
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert message in error


def tag_rows(*groups):
    """Tag vectors: `count` rows of each (count, hair, eyes)."""
    return np.concatenate([np.repeat(faces.encode_tags([hair, eyes])[None], count, 0)
                           for count, hair, eyes in groups])


def test_colour_pairs_counts_pairs_from_their_share_on(script):
    tags = tag_rows((60, "blonde hair", "blue eyes"), (39, "red hair", "green eyes"),
                    (1, "pink hair", "red eyes"))
    assert script.colour_pairs(tags) == {("blonde hair", "blue eyes"): 0.6,
                                         ("red hair", "green eyes"): 0.39,
                                         ("pink hair", "red eyes"): 0.01}
    assert set(script.colour_pairs(tags, min_share=0.02)) == {("blonde hair", "blue eyes"),
                                                              ("red hair", "green eyes")}


def test_face_reading_of_the_faces_themselves_and_of_one_face(script):
    keras.utils.set_random_seed(0)
    classifier = tag_classifier(32)  # untrained: a fixed random reader is enough here
    images, _ = faces.generate(200, 32, "test")
    real = images.astype(np.float32) / 127.5 - 1.0
    same = script.face_reading(classifier, real, real)
    assert same["precision[tags]"] == 1.0 and same["recall[tags]"] == 1.0
    assert same["pairs"] == same["pairs_real"] >= 1 and same["pairs_not_in_real"] == 0
    one = script.face_reading(classifier, real, np.repeat(real[:1], 200, 0))
    assert one["recall[tags]"] <= 0.05
    assert one["pairs"] + one["pairs_not_in_real"] == 1 and one["top_pair"][1] == 1.0
