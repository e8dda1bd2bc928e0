"""The one dataset table and its pipeline (tfgan_zoo.data, .pipeline): names
and aliases, the errors a user sees for bad arguments, seeded and reshuffled
batches sharded by data, resizing and channels, and `sample_real_images`."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.data import DATASETS, load_dataset, sample_real_images
from tfgan_zoo.data.__main__ import main as data_main
from tfgan_zoo.errors import UserError
from tests.support.models import one_line_error


def first_batch(data):
    return [t.numpy() for t in next(iter(data.dataset))]


def error(*fragments, **kwargs):
    name = kwargs.pop("name", "digits")
    with pytest.raises(UserError) as info:
        load_dataset(name, **kwargs)
    one_line_error(info, *fragments)
    return str(info.value)


def test_alias_and_registry():
    assert load_dataset("mnist_5k", batch_size=8).name == "mnist5k"
    assert {"mnist5k", "mnist5k:", "digits", "fashion_mnist_local", "tfds:",
            "folder:"} <= set(DATASETS)


def test_unknown_name_lists_choices():
    error("unknown dataset 'foo'", "python -m tfgan_zoo.data", "mnist5k", "digits",
          "tfds:<name>", "folder:<path>", name="foo", batch_size=8)
    error("did you mean mnist5k", name="mnist5", batch_size=8)


def test_the_listing_names_every_dataset(capsys):
    assert data_main() == 0
    listed = capsys.readouterr().out
    for name in ("mnist5k[:...]", "digits", "folder:<path>", "tfds:<name>", "mri_slices[:...]"):
        assert name in listed
    assert "procedural" in listed  # stand-ins say what they are


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_bad_batch_size(bad):
    error(f"batch size must be a positive integer, got {bad}", batch_size=bad)


def test_numpy_integers_are_accepted():
    data = load_dataset("digits", batch_size=np.int64(4), image_size=np.int32(12))
    assert first_batch(data)[0].shape == (4, 12, 12, 1)


def test_batch_larger_than_dataset():
    error("larger than dataset 'digits'", batch_size=5000)
    data = load_dataset("digits", batch_size=5000, drop_remainder=False, repeat=False)
    assert first_batch(data)[0].shape[0] == 1797


def test_bad_image_size_channels_and_split():
    error("image size", batch_size=8, image_size=0)
    error("channels must be 1 or 3", batch_size=8, channels=4)
    error("only a 'train' split", batch_size=8, split="test")


def test_resize_to_32_and_grey_to_rgb():
    data = load_dataset("mnist5k", batch_size=16, image_size=32, channels=3)
    assert data.image_shape == (32, 32, 3)
    x, _ = first_batch(data)
    assert x.shape == (16, 32, 32, 3) and x.min() >= -1 and x.max() <= 1
    np.testing.assert_array_equal(x[..., 0], x[..., 2])  # tiled grey
    x8, _ = first_batch(load_dataset("digits", batch_size=4, image_size=32))
    assert x8.shape == (4, 32, 32, 1) and x8.dtype == np.float32


def test_same_seed_same_batches_different_seed_differs():
    a = first_batch(load_dataset("mnist5k", batch_size=32, seed=3))
    b = first_batch(load_dataset("mnist5k", batch_size=32, seed=3))
    c = first_batch(load_dataset("mnist5k", batch_size=32, seed=4))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_reshuffles_each_epoch_and_shards_by_data():
    data = load_dataset("digits", batch_size=1797, repeat=True)
    it = iter(data.dataset)
    first, second = next(it)[1].numpy(), next(it)[1].numpy()
    assert sorted(first) == sorted(second) and not np.array_equal(first, second)
    policy = data.dataset.options().experimental_distribute.auto_shard_policy
    assert policy == tf.data.experimental.AutoShardPolicy.DATA


def test_sample_real_images_caps_at_dataset_size():
    x, y = sample_real_images("digits", 10_000, image_size=16, channels=3, seed=1)
    assert x.shape == (1797, 16, 16, 3) and y.shape == (1797,)
    x2, y2 = sample_real_images("digits", 50, seed=1)
    assert x2.shape == (50, 8, 8, 1) and len(set(y2.tolist())) > 1
