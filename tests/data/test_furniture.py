"""Procedural voxel furniture: shapes, balance, seeding, the held-out band
of each class's key proportion, bad sizes."""
import numpy as np
import pytest

from tfgan_zoo.data import furniture, load_dataset
from tfgan_zoo.errors import UserError
from tests.support.models import one_line_error


def test_grids_are_balanced_seeded_and_on_the_floor():
    voxels, labels = furniture.generate(3, 16, "train")
    assert voxels.shape == (18, 16, 16, 16, 1) and voxels.dtype == np.uint8
    assert set(np.unique(voxels)) == {0, 1}
    np.testing.assert_array_equal(np.bincount(labels), [3] * 6)
    assert voxels[:, :, -1].reshape(18, -1).max(1).all()  # every shape stands on the floor
    again, _ = furniture.generate.__wrapped__(3, 16, "train")
    np.testing.assert_array_equal(voxels, again)
    test, _ = furniture.generate(3, 16, "test")
    assert not any((t == voxels).all() for t in test)


def test_key_proportion_is_held_out():
    rng = np.random.default_rng(0)
    low, high = furniture.HELD_OUT
    train = np.array([furniture.key_fraction(rng, "train") for _ in range(2000)])
    test = np.array([furniture.key_fraction(rng, "test") for _ in range(2000)])
    assert ((train < low) | (train >= high)).all() and train.min() < 0.05 and train.max() > 0.95
    assert ((test >= low) & (test < high)).all()


def test_dataset_batches_voxels_and_labels():
    data = load_dataset("furniture:test:2", batch_size=4, image_size=16)
    voxels, labels = next(iter(data.dataset))
    assert data.image_shape == (16, 16, 16, 1) and data.num_classes == 6
    assert voxels.shape == (4, 16, 16, 16, 1) and set(np.unique(voxels)) <= {-1.0, 1.0}
    assert labels.shape == (4,)


@pytest.mark.parametrize("size", [30, 12])
def test_size_not_a_power_of_two_is_one_line(size):
    with pytest.raises(UserError) as excinfo:
        load_dataset("furniture:2", batch_size=2, image_size=size)
    one_line_error(excinfo, f"voxel size {size} is not a power of 2", "--image-size")
