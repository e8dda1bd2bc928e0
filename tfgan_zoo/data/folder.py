"""A folder of images (`folder:PATH` or a bare path), one class per
sub-folder when the top level holds only sub-folders."""

from __future__ import annotations

import concurrent.futures
import functools
import os
import warnings

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.base import (Source, decode_image, is_image_name, only_train, resize,
                                 round_to_uint8, visible_files)
from tfgan_zoo.errors import UserError


def _read_image(path, image_size):
    # Resizing as each file is read holds only small images, never a folder of photos.
    im = decode_image(path)
    if im is None or not image_size or im.shape[:2] == (image_size, image_size):
        return im
    return round_to_uint8(resize(tf.cast(im, tf.float32), image_size)).numpy()


def load_folder(path, *, split, data_dir, image_size):
    """Images under `path` (png, jpg, jpeg, bmp, gif, webp). When the top level
    holds no images but two or more sub-folders with images, each sub-folder is
    a class (sorted names give the ids); otherwise the folder is unlabeled and
    read recursively. Undecodable images and files with other extensions are
    skipped and counted in one warning; hidden files are ignored."""
    only_train("folder", split)
    root = os.path.abspath(os.path.expanduser(path))
    if not os.path.isdir(root):
        raise UserError(f"image folder not found: {path}")
    top = [e for e in sorted(os.listdir(root)) if not e.startswith(".")]
    classes = [d for d in top if os.path.isdir(os.path.join(root, d))
               and any(map(is_image_name, visible_files(os.path.join(root, d))))]
    labeled = len(classes) >= 2 and not any(
        is_image_name(e) for e in top if os.path.isfile(os.path.join(root, e)))
    files, labels, other = [], [], []
    for class_id, sub in enumerate(classes if labeled else [""]):
        for f in visible_files(os.path.join(root, sub)):
            if is_image_name(f):
                files.append(f)
                labels.append(class_id)
            else:
                other.append(f)
    with concurrent.futures.ThreadPoolExecutor(min(8, os.cpu_count() or 1)) as pool:
        decoded = list(pool.map(functools.partial(_read_image, image_size=image_size), files))
    bad = [f for f, im in zip(files, decoded) if im is None]
    keep = [i for i, im in enumerate(decoded) if im is not None]
    if bad or other:
        parts = [f"{len(bad)} unreadable image(s) (first: {bad[0]})"] if bad else []
        parts += [f"{len(other)} non-image file(s) (first: {other[0]})"] if other else []
        warnings.warn(f"folder {root}: skipped {' and '.join(parts)}", stacklevel=4)
    if not keep:
        raise UserError(f"no readable images (png, jpg, jpeg, bmp, gif, webp) in folder {root}")
    images = [decoded[i] for i in keep]
    channels = max(im.shape[-1] for im in images)
    images = [np.repeat(im, channels // im.shape[-1], axis=-1) for im in images]
    sizes = {im.shape[:2] for im in images}
    if len(sizes) > 1:
        a, b = sorted(sizes)[:2]
        raise UserError(f"folder {root} has images of different sizes ({a[0]}x{a[1]} and "
                        f"{b[0]}x{b[1]}): pass --image-size to resize them all")
    return Source(f"folder:{root}", images[0].shape, len(images), images=np.stack(images),
                   labels=np.asarray(labels, np.int32)[keep] if labeled else None,
                   num_classes=len(classes) if labeled else None,
                   class_names=tuple(classes) if labeled else None)
