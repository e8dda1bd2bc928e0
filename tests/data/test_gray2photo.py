"""gray2photo: the embedded photo patches with their own luminance as the
source (pix2pix's BW -> colour task), held out on other photos."""

import numpy as np
import pytest
from skimage.color import rgb2gray

from tfgan_zoo.data import load_dataset, photos
from tfgan_zoo.errors import UserError


def test_source_is_the_targets_luminance_and_test_photos_differ():
    data = load_dataset("gray2photo", batch_size=4, image_size=16, shuffle=False)
    assert data.model_args == {"input_shape": (16, 16, 1), "paired": True}
    assert data.image_shape == (16, 16, 3) and data.num_examples == photos.TRAIN_PATCHES
    source, target = (x.numpy() for x in next(iter(data.dataset)))
    uint8 = np.rint((target + 1) * 127.5).astype(np.uint8)
    expected = np.rint(rgb2gray(uint8) * 255) / 127.5 - 1.0
    np.testing.assert_allclose(source[..., 0], expected, atol=1e-5)
    # Same patches as edges2photo (the same boxes of the same photos).
    edges = load_dataset("edges2photo", batch_size=4, image_size=16, shuffle=False)
    np.testing.assert_array_equal(next(iter(edges.dataset))[1].numpy(), target)
    test = load_dataset("gray2photo", batch_size=4, image_size=16, split="test")
    assert test.num_examples == photos.TEST_PATCHES


def test_options_are_refused():
    with pytest.raises(UserError, match="unknown dataset 'gray2photo:x'"):
        load_dataset("gray2photo:x", batch_size=2, image_size=16)
