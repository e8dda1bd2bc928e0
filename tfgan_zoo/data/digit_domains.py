"""Digit domains for domain adaptation, offline: four labelled domains of
28x28 RGB digits, each with a train and a test split, and the adaptation
stream over them. None of the standard sets (MNIST-M, Syn Numbers, SVHN,
USPS) ships offline, so three are synthetic analogues, named as such:

    mnist      mnist5k's 4,500 training digits / its 500 held-out ones (the
               digits the evaluation classifiers never see), grey as RGB
    mnist_all  a larger mnist, not a fifth domain: all of MNIST's 59,500
               training digits (the `mnist` dataset) / mnist's 500 test
               digits; never named beside mnist
    mnistm     an MNIST-M analogue, synthesised as Ganin et al. (2016) made
               MNIST-M (their create_mnistm.py): each binarised digit is
               blended with a 28x28 colour photo patch, |patch - digit|. The
               patches come from the photos that ship in scikit-image and
               scikit-learn (`tfgan_zoo.data.photos`): training digits from
               its training photos, test digits from its disjoint test photos
    syndigits  a stand-in for Ganin's Syn Numbers and for SVHN: digits
               rendered from the 21 digit fonts matplotlib bundles, with a
               random size, rotation, stroke and background colour,
               neighbouring distractor digits (as SVHN's crops have), blur and
               noise; 8,000 train / 1,000 test, seeded per split
    ucidigits  a stand-in for USPS: scikit-learn's 1,797 8x8 UCI digits
               upsampled to 28x28 (USPS is 16x16, upsampled the same way in
               ADDA); a fixed permutation's last 360 are the test split

The adaptation stream, `adapt:SOURCES>TARGET` (e.g. `adapt:mnist>mnistm`,
or `adapt:mnist,syndigits,ucidigits>mnistm` with k sources for MDAN), gives
elements `(source_images, source_labels, target_images)`: float32
[B, k, H, W, 3] in [-1, 1], int32 [B, k] and float32 [B, H, W, 3], each
source and the target shuffled on its own. Target labels never enter it:
only an evaluator reads them, through `domain_arrays(name, "test")`.
`Data.model_args` carries `source_domains` and `target_domain`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import os

import numpy as np
import tensorflow as tf
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tfgan_zoo.data import digits, photos
from tfgan_zoo.data.base import Data, Source, round_to_uint8
from tfgan_zoo.data.pipeline import convert_images
from tfgan_zoo.errors import UserError

DOMAINS = ("mnist", "mnistm", "syndigits", "ucidigits")
# A larger version of a domain, under its own name. It has the same test
# digits, so it never stands beside the domain it enlarges; whatever runs
# over every domain (MDAN's leave-one-out) reads DOMAINS alone.
LARGER = {"mnist_all": "mnist"}
SIZE = 28
CLASS_NAMES = digits.DIGIT_NAMES
SPLITS = ("train", "test")
# Fixed seeds per split, so a test set is the same whatever the run seed.
SPLIT_SEEDS = {"train": 0, "test": 1}
SYNDIGITS_COUNT = {"train": 8000, "test": 1000}
UCIDIGITS_TEST = 360
# matplotlib's fonts that draw all ten digits (the STIX size and non-unicode
# variants and cmex/cmsy/cmmi map digits to symbols or old-style figures).
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
         "DejaVuSans-BoldOblique.ttf", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf",
         "DejaVuSansMono-Oblique.ttf", "DejaVuSansMono-BoldOblique.ttf", "DejaVuSerif.ttf",
         "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf",
         "STIXGeneral.ttf", "STIXGeneralBol.ttf", "STIXGeneralItalic.ttf",
         "STIXGeneralBolIta.ttf", "cmr10.ttf", "cmb10.ttf", "cmss10.ttf", "cmtt10.ttf",
         "cmti10.ttf")


def check_domain(name):
    if name not in DOMAINS and name not in LARGER:
        raise UserError(f"unknown digit domain '{name}': choose "
                        f"{', '.join(DOMAINS + tuple(LARGER))} "
                        "(e.g. --dataset adapt:mnist>mnistm)")
    return name


def check_split(name, split):
    if split not in SPLITS:
        raise UserError(f"digit domain '{name}' has splits 'train' and 'test', got '{split}'")


# ------------------------------------------------------------------ domains
def _grey_to_rgb(images):
    return np.repeat(images, 3, axis=-1)


def _mnist(split):
    x, y = digits.mnist5k_arrays()
    index = digits.mnist5k_part(split)
    return x[index], y[index]


def _mnist_all(split):
    """MNIST's training digits less mnist5k's held-out 500 (`digits.load_mnist`);
    the test split is mnist's, so target figures compare across the two."""
    if split == "test":
        return _mnist(split)
    source = digits.load_mnist("train", split="train", data_dir=None, image_size=None)
    return source.images, source.labels


def _mnistm(split):
    """Ganin et al.'s recipe: background patch where the binarised digit is
    0, the patch's complement (255 - patch) where it is 1."""
    x, y = _mnist(split)
    shots = [image for _, image in photos.photos(split)]
    boxes = photos.crop_boxes([s.shape[:2] for s in shots], SIZE, len(x),
                              SPLIT_SEEDS[split] + 10)
    # crop_boxes spreads boxes evenly over the photos in order; shuffle
    # which digit gets which photo.
    order = np.random.default_rng(SPLIT_SEEDS[split] + 11).permutation(len(x))
    patches = np.stack([shots[i][t:t + SIZE, l:l + SIZE] for i, t, l in boxes])[order]
    digit = (x > 0).astype(np.int16) * 255
    return np.abs(patches.astype(np.int16) - digit).astype(np.uint8), y


def _font_paths():
    """The bundled fonts' paths, found without importing matplotlib (slow)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None:
        raise UserError("the syndigits domain renders matplotlib's bundled fonts: "
                        "pip install matplotlib")
    folder = os.path.join(spec.submodule_search_locations[0], "mpl-data", "fonts", "ttf")
    return [os.path.join(folder, f) for f in FONTS]


@functools.lru_cache(maxsize=None)
def _font(path, size):
    return ImageFont.truetype(path, size)


def _random_colours(rng):
    """(stroke, background) RGB colours at least 80 grey levels apart."""
    while True:
        stroke, background = rng.integers(0, 256, (2, 3))
        if abs(stroke.mean() - background.mean()) >= 80:
            return tuple(int(c) for c in stroke), tuple(int(c) for c in background)


def render_digit(label, rng, fonts):
    """One syndigits image (uint8 28x28x3) of `label`, drawn at 3x and
    shrunk: a centred digit, maybe a neighbour digit on each side, a random
    font, size, rotation, colours, blur and noise."""
    scale = 3
    side = SIZE * scale
    stroke, background = _random_colours(rng)
    canvas = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(canvas)
    font = _font(fonts[rng.integers(len(fonts))], int(rng.integers(44, 66)))
    centre = side / 2 + rng.uniform(-4, 4)
    draw.text((centre, side / 2 + rng.uniform(-4, 4)), str(label), fill=stroke, font=font,
              anchor="mm")
    width = draw.textbbox((0, 0), str(label), font=font)[2]
    for direction in (-1, 1):  # SVHN-like distractors, cut by the frame
        if rng.random() < 0.4:
            x = centre + direction * (1.1 * width + rng.uniform(6, 14))
            draw.text((x, side / 2), str(rng.integers(10)), fill=stroke, font=font,
                      anchor="mm")
    canvas = canvas.rotate(rng.uniform(-15, 15), resample=Image.BILINEAR,
                           fillcolor=background)
    canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0, 2.5)))
    image = np.asarray(canvas.resize((SIZE, SIZE), Image.BILINEAR), np.float32)
    image += rng.normal(0, rng.uniform(0, 10), image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _syndigits(split):
    rng = np.random.default_rng(SPLIT_SEEDS[split] + 20)
    fonts = _font_paths()
    count = SYNDIGITS_COUNT[split]
    labels = (np.arange(count) % 10)[rng.permutation(count)].astype(np.int32)
    return np.stack([render_digit(int(y), rng, fonts) for y in labels]), labels


def _ucidigits(split):
    from sklearn.datasets import load_digits
    found = load_digits()
    order = np.random.default_rng(0).permutation(len(found.images))
    index = order[:-UCIDIGITS_TEST] if split == "train" else order[-UCIDIGITS_TEST:]
    grey = np.clip(np.rint(found.images[index] * 255.0 / 16.0), 0, 255).astype(np.uint8)
    up = np.stack([np.asarray(Image.fromarray(g).resize((SIZE, SIZE), Image.BILINEAR))
                   for g in grey])
    return _grey_to_rgb(up[..., None]), found.target[index].astype(np.int32)


_BUILDERS = {"mnist": _mnist, "mnist_all": _mnist_all, "mnistm": _mnistm,
             "syndigits": _syndigits, "ucidigits": _ucidigits}


@functools.lru_cache(maxsize=None)
def domain_arrays(name, split):
    """(uint8 [N, 28, 28, 3], int32 [N]) of a domain's split; seeded, so the
    same on every call and machine. The evaluator's way to the labels."""
    check_domain(name)
    check_split(name, split)
    images, labels = _BUILDERS[name](split)
    if images.shape[-1] == 1:
        images = _grey_to_rgb(images)
    images.setflags(write=False)
    return images, labels.astype(np.int32)


def domain_images(name, split, image_shape=None):
    """(float32 images in [-1, 1], int32 labels) of a domain's split, resized
    and converted to `image_shape` (H, W, C) where given: what a model of
    that shape takes. For evaluators and the reference classifiers."""
    x, y = domain_arrays(name, split)
    x = tf.cast(x, tf.float32)
    if image_shape is not None:
        height, width, channels = image_shape
        if height != width:
            raise UserError(f"digit domains are square, got image shape {image_shape}")
        x = round_to_uint8(convert_images(x, 3, height, channels)) if (
            (height, channels) != (SIZE, 3)) else x
    return (tf.cast(x, tf.float32) / 127.5 - 1.0).numpy(), y


def _domain_source(name, split):
    check_split(name, split)
    x, y = domain_arrays(name, split)
    return Source(name, (SIZE, SIZE, 3), len(x), images=x, labels=y, num_classes=10,
                  class_names=CLASS_NAMES)


def load_mnistm(arg, *, split, data_dir, image_size):
    """A synthetic MNIST-M analogue (Ganin et al. 2016): mnist5k digits
    blended with photo patches, 4,500 train / 500 test, labelled."""
    return _domain_source("mnistm", split)


def load_syndigits(arg, *, split, data_dir, image_size):
    """Synthetic digits rendered from matplotlib's fonts, a stand-in for Syn
    Numbers and SVHN, 8,000 train / 1,000 test, labelled."""
    return _domain_source("syndigits", split)


def load_ucidigits(arg, *, split, data_dir, image_size):
    """scikit-learn's 8x8 UCI digits upsampled to 28x28 RGB, a stand-in for
    USPS, 1,437 train / 360 test, labelled."""
    return _domain_source("ucidigits", split)


# ----------------------------------------------------------- adaptation
def parse_domains(text):
    """'mnist,syndigits>mnistm' -> (("mnist", "syndigits"), "mnistm"), with
    one-line errors for an unknown domain, a target among the sources or a
    repeated source."""
    example = "adapt:mnist>mnistm or adapt:mnist,syndigits,ucidigits>mnistm"
    sources, sep, target = (text or "").partition(">")
    names = [s.strip() for s in sources.split(",") if s.strip()]
    if not sep or not names or not target.strip():
        raise UserError(f"an adaptation dataset names its source and target domains, got "
                        f"'adapt:{text}': use {example}")
    target = check_domain(target.strip())
    for name in names:
        check_domain(name)
    base = [LARGER.get(name, name) for name in names]
    # Say why only where a larger domain makes two names one.
    why = "".join(f" ({big} is {small} enlarged)" for big, small in LARGER.items()
                  if big in (target, *names))
    if LARGER.get(target, target) in base:
        raise UserError(f"the target domain '{target}' is also a source{why}: adapt to a "
                        f"domain the sources do not include ({example})")
    if len(set(base)) != len(base):
        raise UserError(f"a source domain is named twice in 'adapt:{text}'{why}: name each once")
    return tuple(names), target


@dataclasses.dataclass
class AdaptationSource:
    """Labelled source domains and an unlabelled target; `build` batches them
    (see the module docstring)."""

    sources: tuple
    target: str
    split: str = "train"

    @property
    def name(self):
        return f"adapt:{','.join(self.sources)}>{self.target}"

    def build(self, *, batch_size, image_size=None, channels=None, shuffle=True, seed=0,
              repeat=True, drop_remainder=True, cache=True):
        def prepared(name):
            x, y = domain_arrays(name, self.split)
            if image_size not in (None, SIZE) or channels == 1:
                x = round_to_uint8(convert_images(tf.cast(x, tf.float32), 3, image_size,
                                                  channels)).numpy()
            return x, y

        def stream(tensors, offset):
            ds = tf.data.Dataset.from_tensor_slices(tensors)
            if shuffle:
                ds = ds.shuffle(len(tensors[0]), seed=seed + offset,
                                reshuffle_each_iteration=True)
            return ds.repeat() if repeat else ds

        labelled = [prepared(name) for name in self.sources]
        target, _ = prepared(self.target)  # its labels stay here
        sizes = [len(x) for x, _ in labelled] + [len(target)]
        if drop_remainder and batch_size > min(sizes):
            raise UserError(f"batch size {batch_size} is larger than a domain of "
                            f"'{self.name}' ({min(sizes)} examples): lower --batch-size")
        parts = [stream(part, 7919 * i) for i, part in enumerate(labelled)]
        ds = tf.data.Dataset.zip((tuple(parts), stream((target,), 104729)))
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)

        def to_float(x):
            return tf.cast(x, tf.float32) / 127.5 - 1.0

        def arrange(sources, target):
            images = tf.stack([to_float(x) for x, _ in sources], axis=1)
            labels = tf.stack([tf.cast(y, tf.int32) for _, y in sources], axis=1)
            return images, labels, to_float(target[0])

        ds = ds.map(arrange, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA)
        return Data(dataset=ds.with_options(options), image_shape=tuple(target.shape[1:]),
                    num_classes=10, num_examples=max(sizes), name=self.name,
                    class_names=CLASS_NAMES,
                    model_args={"source_domains": list(self.sources),
                                "target_domain": self.target})


def load_adaptation(arg, *, split, data_dir, image_size):
    """Digit-domain adaptation: labelled batches of each source domain and
    unlabelled batches of the target, over mnist (mnist5k) and the synthetic
    analogues mnistm (MNIST-M), syndigits (Syn Numbers / SVHN stand-in) and
    ucidigits (USPS stand-in); see tfgan_zoo.data.digit_domains."""
    check_split("adapt", split)
    sources, target = parse_domains(arg)
    return AdaptationSource(sources, target, split)
