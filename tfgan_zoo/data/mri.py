"""MRI slices that work offline: 2-D slices of the MNI152 T1 brain template
that ships in the `nilearn` wheel, read with `nibabel`, and the one real T1
slice that ships in the `dipy` wheel.

    mri_slices[:AXIS]   slices of the ICBM 2009a nonlinear symmetric T1
                        template (197 x 233 x 189 voxels of 1 mm, uint8) cut
                        along AXIS: axial (default), coronal, sagittal, or
                        all three; 1 channel, padded to a square with the
                        background and resized to --image-size (default
                        256), intensities x / 127.5 - 1 in [-1, 1]
    mri_slices:dipy     dipy's 256 x 256 coronal T1 slice of one subject (split
                        "test" only): a second brain, for held-out checks

Train and test are split **by slab**, never by random slice: the test split
of an axis is one contiguous slab of 16 slices, and 4 slices on each side of
it belong to neither split, so no training slice is a neighbour of a test
slice. Only slices whose foreground (voxels > 20) covers at least 10 % of
the slice are used. The template is exactly left-right symmetric (a
"sym" template), so sagittal slices are taken from one hemisphere only: the
other holds their mirror images, which would leak the test slab into
training. With `all`, each axis contributes its own train and test slabs;
slices of one orientation cross the other orientations' test slabs, so
held-out figures are cleanest on a single axis.

An average brain is smoother than a single scan; the dipy slice shows how a
model trained on the template does on a real one.

Both packages are optional: `pip install tfgan_zoo[mri]` (nilearn and
nibabel; the `test` extra installs them too) and `pip install dipy`.

ICBM 2009 licence (it travels with exported model cards as `NOTICE`).
"""

from __future__ import annotations

import functools
import importlib.util
import os

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.base import Source, resize, round_to_uint8
from tfgan_zoo.errors import UserError
from tfgan_zoo.optional import require

NOTICE = ("Images derived from the MNI ICBM 2009a Nonlinear Symmetric T1 template "
          "(Fonov et al., NeuroImage 2011 and 2009), as shipped by nilearn. "
          "Copyright (C) 1993-2009 Louis Collins, McConnell Brain Imaging Centre, "
          "Montreal Neurological Institute, McGill University. Permission to use, "
          "copy, modify, and distribute this software and its documentation for any "
          "purpose and without fee is hereby granted, provided that the above "
          "copyright notice appear in all copies. The authors and McGill University "
          "make no representations about the suitability of this software for any "
          "purpose. It is provided \"as is\" without express or implied warranty. "
          "The authors are not responsible for any data loss, equipment damage, "
          "property loss, or injury to subjects or patients resulting from the use "
          "or misuse of this software package.")

TEMPLATE = "mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz"
DIPY_SLICE = "t1_coronal_slice.npy"
DEFAULT_SIZE = 256
# Voxel axis of each orientation (RAS: x left-right, y posterior-anterior,
# z inferior-superior), the slices it may use (sagittal: one hemisphere of
# the symmetric template) and its held-out slab [start, stop).
AXES = {"axial": 2, "coronal": 1, "sagittal": 0}
SLAB = 16
GAP = 4
TEST_START = {"axial": 60, "coronal": 110, "sagittal": 120}
HEMISPHERE = {"sagittal": 98}  # first voxel index used (the midline)
MIN_FOREGROUND = 0.1
FOREGROUND = 20


def _package_file(package, relative, install):
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"this dataset needs the optional package {package}: {install}")
    path = os.path.join(spec.submodule_search_locations[0], relative)
    if not os.path.isfile(path):
        raise UserError(f"{package} is installed but has no {relative}: {install} "
                        "(a version that ships it)")
    return path


@functools.lru_cache(maxsize=1)
def template_volume():
    """The MNI152 2009a T1 template as uint8 [197, 233, 189] (x, y, z)."""
    install = "pip install tfgan_zoo[mri] (or: pip install nilearn nibabel)"
    path = _package_file("nilearn", os.path.join("datasets", "data", TEMPLATE), install)
    nibabel = require("nibabel", "mri_slices (to read the template)")
    return np.asarray(nibabel.load(path).dataobj, dtype=np.uint8)


def slice_indices(axis, split):
    """Slice indices of `axis` in `split`: the test slab, or every usable
    slice at least GAP slices away from it."""
    volume = np.moveaxis(template_volume(), AXES[axis], 0)
    foreground = (volume > FOREGROUND).mean(axis=(1, 2))
    usable = np.nonzero(foreground >= MIN_FOREGROUND)[0]
    usable = usable[usable >= HEMISPHERE.get(axis, 0)]
    start = TEST_START[axis]
    if split == "test":
        return usable[(usable >= start) & (usable < start + SLAB)]
    return usable[(usable < start - GAP) | (usable >= start + SLAB + GAP)]


def _upright(image):
    """A slice with the head's top (or front, for axial slices) up."""
    return np.flipud(image.T)


def _square(images, size):
    """[N, h, w] uint8 -> [N, size, size, 1]: padded with the background (0)
    to a square, then resized (bilinear, antialiased)."""
    n, h, w = images.shape
    side = max(h, w)
    padded = np.zeros((n, side, side), np.uint8)
    top, left = (side - h) // 2, (side - w) // 2
    padded[:, top:top + h, left:left + w] = images
    if side == size:
        return padded[..., None]
    return round_to_uint8(resize(tf.cast(padded[..., None], tf.float32), size)).numpy()


@functools.lru_cache(maxsize=16)
def mri_slices(axis, split, size):
    """uint8 [N, size, size, 1] slices of the template (see the module doc)."""
    if axis not in AXES:
        raise UserError(f"unknown mri_slices axis {axis!r}: choose mri_slices:axial, "
                        ":coronal, :sagittal, :all or :dipy")
    volume = np.moveaxis(template_volume(), AXES[axis], 0)
    index = slice_indices(axis, split)
    return _square(np.stack([_upright(volume[i]) for i in index]), size)


@functools.lru_cache(maxsize=4)
def dipy_slice(size):
    """dipy's real T1 coronal slice, uint8 [1, size, size, 1]."""
    path = _package_file("dipy", os.path.join("data", "files", DIPY_SLICE),
                         "pip install dipy")
    image = np.load(path)  # float64 in [0, 1]
    return _square(np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)[None], size)


def load_mri_slices(arg, *, split, data_dir, image_size):
    """Slices of the MNI152 template along an axis, or dipy's slice."""
    axis = arg or "axial"
    if split not in ("train", "test"):
        raise UserError(f"mri_slices has splits 'train' and 'test', got '{split}'")
    size = image_size or DEFAULT_SIZE
    if axis == "dipy":
        if split != "test":
            raise UserError("mri_slices:dipy is one held-out slice (split 'test'): train "
                            "on mri_slices:axial, :coronal, :sagittal or :all")
        images = dipy_slice(size)
    elif axis == "all":
        images = np.concatenate([mri_slices(a, split, size) for a in AXES])
    else:
        images = mri_slices(axis, split, size)
    return Source(f"mri_slices:{axis}", (size, size, 1), len(images), images=images)
