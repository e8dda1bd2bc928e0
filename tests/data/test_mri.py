"""`mri_slices`: slices of nilearn's MNI152 template read with nibabel, split
by slab, in [-1, 1]; dipy's slice for held-out checks; one-line errors."""

import importlib.util

import numpy as np
import pytest

from tfgan_zoo.data import dataset_notice, load_dataset, mri, sample_real_images
from tfgan_zoo.errors import UserError

pytest.importorskip("nibabel")
pytest.importorskip("nilearn")


@pytest.mark.parametrize("axis", list(mri.AXES))
def test_train_and_test_are_split_by_slab(axis):
    test, train = mri.slice_indices(axis, "test"), mri.slice_indices(axis, "train")
    assert len(test) == mri.SLAB and (np.diff(test) == 1).all()  # one contiguous slab
    gaps = np.abs(train[:, None] - test[None, :]).min()
    assert gaps > mri.GAP  # no training slice is a neighbour of a test slice
    if axis == "sagittal":  # the symmetric template: one hemisphere only
        assert train.min() >= mri.HEMISPHERE["sagittal"]


def test_slices_are_square_single_channel_and_scaled():
    images, labels = sample_real_images("mri_slices", 8, image_size=32, split="test")
    assert images.shape == (8, 32, 32, 1) and labels is None
    assert images.min() == -1.0 and 0.5 < images.max() <= 1.0  # background, brain
    data = load_dataset("mri_slices:all", batch_size=4, image_size=16)
    assert data.num_examples == sum(len(mri.slice_indices(a, "train")) for a in mri.AXES)
    assert "ICBM" in dataset_notice("mri_slices:coronal")


def test_dipy_slice_is_a_test_image():
    pytest.importorskip("dipy")
    images, _ = sample_real_images("mri_slices:dipy", 4, image_size=32, split="test")
    assert images.shape == (1, 32, 32, 1)
    with pytest.raises(UserError, match="split 'test'"):
        load_dataset("mri_slices:dipy", batch_size=1)


def test_bad_axis_and_missing_packages_are_one_line_errors(monkeypatch):
    with pytest.raises(UserError, match="unknown mri_slices axis 'transverse'") as info:
        load_dataset("mri_slices:transverse", batch_size=4)
    assert "\n" not in str(info.value)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("nilearn", "dipy") else real(name, *a))
    mri.template_volume.cache_clear()
    mri.mri_slices.cache_clear()
    try:
        with pytest.raises(UserError, match=r"pip install tfgan_zoo\[mri\]"):
            load_dataset("mri_slices:axial", batch_size=4, image_size=8)
        mri.dipy_slice.cache_clear()
        with pytest.raises(UserError, match="pip install dipy"):
            load_dataset("mri_slices:dipy", batch_size=1, image_size=8, split="test")
    finally:
        mri.template_volume.cache_clear()
        mri.dipy_slice.cache_clear()
