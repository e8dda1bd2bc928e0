"""Shapes with captions: the embedded text-to-image dataset, made offline.

Each scene holds one object, or two objects one above or beside the other.
An object has a colour (6), a shape (4) and a size (2); a scene is
described by several paraphrased captions, e.g. for the same image

    "a small red circle above a large blue square"
    "a large blue square with a small red circle above it"
    "there is a large blue square below a small red circle"

Everything is deterministic from a seed and drawn at any size (16, 64 and
256 px alike: objects are drawn 4x larger and box-filtered down).

Splits:
    train    scenes that never contain a held-out colour+shape pair
    test     new scenes from the same distribution as train
    heldout  scenes in which at least one object is a held-out pair (e.g. a
             green square): zero-shot composition, never seen in training

Labels, for measuring faithfulness: `attributes` int32 [7] =
(layout, colour0, shape0, size0, colour1, shape1, size1), where layout is
0 single, 1 vertical, 2 horizontal; slot 0 is the top (vertical) or left
(horizontal) object and slot 1 the other (-1 when there is none). `bbox`
float32 [2, 4] is (y0, x0, y1, x1) in [0, 1] per slot (zeros when absent).
`class` is the index of the attribute tuple: captions of the same class
describe the same kind of scene.

Contrast captions (`contrast_captions`) describe a minimally different
scene: the two objects swapped, or one object's shape, colour or size
changed ("a small red circle above a large blue square" -> "a small red
triangle above a large blue square"). They are negatives no other caption
of the batch supplies reliably: the text encoder ranks an image's caption
above them, and the matching-aware discriminator (`mismatch="contrast"`)
sees them as wrong text, so neither can get by on colour alone.

As a training dataset (`load_dataset("shapes_captions")`, or
"shapes_captions:N" for N scenes) an element is `(image, features)` with
features `tokens` int32 [CAPTIONS, MAX_LENGTH] (the captions as word ids of
`VOCABULARY`, tokenized exactly as the models tokenize strings),
`contrast_tokens` (the same for CAPTIONS contrast captions, each of its own
edit), plus `attributes`, `bbox` and `class`. The caption strings themselves are in
`generate(...).captions`; they stay out of training batches because string
tensors cannot be copied to GPUs.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import functools
import itertools
import os

import numpy as np
import tensorflow as tf
from PIL import Image, ImageDraw

from tfgan_zoo.data.base import Source
from tfgan_zoo.text.tokenizer import tokenize
from tfgan_zoo.errors import UserError

COLOURS = {"red": (225, 45, 45), "green": (50, 185, 70), "blue": (55, 95, 235),
           "yellow": (240, 215, 40), "purple": (165, 65, 210), "white": (240, 240, 240)}
COLOUR_NAMES = tuple(COLOURS)
SHAPES = ("circle", "square", "triangle", "cross")
SIZES = ("small", "large")
LAYOUTS = ("single", "vertical", "horizontal")
BACKGROUND = (20, 20, 20)
# Colour+shape pairs that never appear in the train and test splits.
HELD_OUT = (("green", "square"), ("yellow", "circle"), ("purple", "triangle"),
            ("white", "cross"))
ATTRIBUTES = ("layout", "colour0", "shape0", "size0", "colour1", "shape1", "size1")
# Values each attribute head takes (layout has 3, colours 6, ...).
ATTRIBUTE_CLASSES = (len(LAYOUTS), len(COLOURS), len(SHAPES), len(SIZES),
                     len(COLOURS), len(SHAPES), len(SIZES))
CAPTIONS = 5          # captions per image
MAX_LENGTH = 16       # tokens per caption (the longest has 14)
SINGLE_FRACTION = 0.4
SEEDS = {"train": 2017, "test": 2018, "heldout": 2019}
DEFAULT_SIZE = 64

# Contrast edits and how often each is drawn: shape most, as it is what a
# colour-led model misses (a one-object scene cannot swap).
_EDITS = {"swap": 3, "shape": 4, "colour": 2, "size": 1}
_EXTENT = {"small": 0.22, "large": 0.38}   # side of the object's box, canvas units
_RELATIONS = {1: ("above", "below"), 2: ("to the left of", "to the right of")}
_SINGLE_TEMPLATES = ("a {o}", "there is a {o}", "a {c} {s} that is {z}",
                     "a single {o}", "the picture shows a {o}")
_PAIR_TEMPLATES = ("a {a} {r} a {b}", "there is a {a} {r} a {b}", "a {a} is {r} a {b}",
                   "{r} a {b} there is a {a}", "a {b} with a {a} {r} it")
_OBJECTS = len(COLOURS) * len(SHAPES) * len(SIZES)          # 48 kinds of object
NUM_CLASSES = _OBJECTS + 2 * _OBJECTS * _OBJECTS           # 4656 kinds of scene


def _vocabulary():
    words = set()
    fill = {"o": "", "a": "", "b": "", "c": "", "s": "", "z": "",
            "r": " ".join(r for pair in _RELATIONS.values() for r in pair)}
    for template in _SINGLE_TEMPLATES + _PAIR_TEMPLATES:
        words.update(template.format(**fill).split())
    words.update(COLOURS, SHAPES, SIZES)
    return tuple(sorted(words))


# Word ids start at 2: 0 is padding and 1 an unknown word.
VOCABULARY = _vocabulary()


@dataclasses.dataclass
class Scenes:
    """N scenes: what they hold and how they are described."""
    attributes: np.ndarray      # int32 [N, 7], see the module docstring
    bbox: np.ndarray            # float32 [N, 2, 4]
    captions: np.ndarray        # str [N, CAPTIONS]
    classes: np.ndarray         # int32 [N]

    def __len__(self):
        return len(self.attributes)


@dataclasses.dataclass
class ShapesCaptions(Scenes):
    """Scenes and their images (uint8 [N, size, size, 3])."""
    images: np.ndarray = None


def object_name(colour, shape, size):
    return f"{SIZES[size]} {COLOUR_NAMES[colour]} {SHAPES[shape]}"


def scene_class(attributes):
    """Class index of attribute rows [..., 7] (equal scenes, equal class)."""
    a = np.asarray(attributes)
    obj = lambda c, s, z: (c * len(SHAPES) + s) * len(SIZES) + z
    first = obj(a[..., 1], a[..., 2], a[..., 3])
    second = obj(np.maximum(a[..., 4], 0), np.maximum(a[..., 5], 0),
                 np.maximum(a[..., 6], 0))
    pair = _OBJECTS + (a[..., 0] - 1) * _OBJECTS ** 2 + first * _OBJECTS + second
    return np.where(a[..., 0] == 0, first, pair).astype(np.int32)


def captions_for(attributes, rng, k=CAPTIONS):
    """`k` different captions of one scene (paraphrases and both directions
    of the relation), in a random order drawn from `rng`."""
    layout, c0, s0, z0, c1, s1, z1 = (int(v) for v in attributes)
    first = object_name(c0, s0, z0)
    if layout == 0:
        texts = [t.format(o=first, c=COLOUR_NAMES[c0], s=SHAPES[s0], z=SIZES[z0])
                 for t in _SINGLE_TEMPLATES]
    else:
        second = object_name(c1, s1, z1)
        forward, backward = _RELATIONS[layout]
        texts = [t.format(a=a, r=r, b=b) for t in _PAIR_TEMPLATES
                 for a, r, b in ((first, forward, second), (second, backward, first))]
    order = rng.permutation(len(texts))[:k]
    return [texts[i] for i in order]


def _held_out_pairs():
    return {(COLOUR_NAMES.index(c), SHAPES.index(s)) for c, s in HELD_OUT}


def contrast_attributes(attributes, rng, avoid_held_out=True):
    """Attribute rows [N, 7] of minimally different scenes: for each scene
    one edit drawn from `_EDITS` (two differing objects swapped, or one
    object's shape, colour or size changed to another value). With
    `avoid_held_out` no edit makes a held-out colour+shape pair, so the
    train split's negatives never name one either."""
    held = _held_out_pairs() if avoid_held_out else set()
    edited = np.array(attributes, dtype=np.int32, copy=True)
    for row in edited:
        pair = row[0] != 0
        objects = (tuple(row[1:4]), tuple(row[4:7]))
        kinds = [k for k in _EDITS if k != "swap" or (pair and objects[0] != objects[1])]
        weights = np.array([_EDITS[k] for k in kinds], float)
        while True:
            kind = kinds[rng.choice(len(kinds), p=weights / weights.sum())]
            if kind == "swap":
                row[1:4], row[4:7] = objects[1], objects[0]
                break
            slot = int(rng.integers(2)) if pair else 0
            index = 1 + 3 * slot + ("colour", "shape", "size").index(kind)
            count = ATTRIBUTE_CLASSES[index]
            candidate = row.copy()
            candidate[index] = (row[index] + rng.integers(1, count)) % count  # another value
            if (candidate[1 + 3 * slot], candidate[2 + 3 * slot]) not in held:
                row[:] = candidate
                break
    return edited


def contrast_captions(attributes, seed, k=CAPTIONS, avoid_held_out=True):
    """str [N, k]: for each scene, k captions of k independently edited
    scenes (`contrast_attributes`), deterministic from `seed`."""
    rng = np.random.default_rng([int(seed), 1])
    edits = [contrast_attributes(attributes, rng, avoid_held_out) for _ in range(k)]
    return np.array([[captions_for(edit[i], rng, 1)[0] for edit in edits]
                     for i in range(len(attributes))])


def _token_ids(captions):
    """Word ids int32 [N, K, MAX_LENGTH] of captions str [N, K]."""
    return tokenize(captions.reshape(-1), VOCABULARY, MAX_LENGTH).reshape(
        captions.shape + (MAX_LENGTH,))


@functools.lru_cache(maxsize=8)
def _contrast_tokens(n, split):
    """contrast_tokens int32 [n, CAPTIONS, MAX_LENGTH] of the dataset's n
    scenes of `split` (cached: a recipe loads the data at several sizes)."""
    return _token_ids(contrast_captions(make_scenes(n, None, split).attributes, SEEDS[split],
                                        avoid_held_out=split != "heldout"))


def _check_split(split):
    if split not in SEEDS:
        raise UserError(f"the shapes_captions dataset has splits {', '.join(SEEDS)}, "
                        f"got '{split}'")


def make_scenes(n, seed=None, split="train"):
    """`n` scenes of `split`, deterministic from `seed` (default: the
    split's own seed, so the dataset is the same everywhere)."""
    _check_split(split)
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise UserError(f"number of scenes must be a positive integer, got {n!r}")
    rng = np.random.default_rng(SEEDS[split] if seed is None else [seed, SEEDS[split]])
    held = _held_out_pairs()
    every = list(itertools.product(range(len(COLOURS)), range(len(SHAPES))))
    seen = [p for p in every if p not in held]
    held = sorted(held)

    def pairs(pool, count):
        return np.asarray(pool)[rng.integers(len(pool), size=count)]

    layout = np.where(rng.random(n) < SINGLE_FRACTION, 0, rng.integers(1, 3, size=n))
    first, second = pairs(seen, n), pairs(seen, n)
    if split == "heldout":
        # One object (either slot) is a held-out pair; the other is anything.
        slot = np.where(layout == 0, 0, rng.integers(2, size=n))
        novel = pairs(held, n)
        first = np.where((slot == 0)[:, None], novel, pairs(every, n))
        second = np.where((slot == 1)[:, None], novel, pairs(every, n))
    size = rng.integers(len(SIZES), size=(n, 2))
    attributes = np.stack([layout, first[:, 0], first[:, 1], size[:, 0],
                           second[:, 0], second[:, 1], size[:, 1]], 1).astype(np.int32)
    attributes[layout == 0, 4:] = -1

    # Boxes: centres jittered around fixed anchors, so a relation is always
    # visible and two objects never overlap.
    extent = np.array([_EXTENT[s] for s in SIZES])[size] + rng.uniform(-0.02, 0.02, (n, 2))
    along = np.array([0.25, 0.75]) + rng.uniform(-0.02, 0.02, (n, 2))
    across = 0.5 + rng.uniform(-0.12, 0.12, (n, 2))
    single = 0.5 + rng.uniform(-0.12, 0.12, (n, 2))
    cy = np.where(layout[:, None] == 1, along, across)
    cx = np.where(layout[:, None] == 2, along, across)
    cy[layout == 0, 0], cx[layout == 0, 0] = single[layout == 0, 0], single[layout == 0, 1]
    half = extent / 2
    bbox = np.stack([cy - half, cx - half, cy + half, cx + half], -1).astype(np.float32)
    bbox[layout == 0, 1] = 0.0

    captions = np.array([captions_for(a, rng) for a in attributes])
    return Scenes(attributes, bbox, captions, scene_class(attributes))


def _draw(args):
    attributes, bbox, size, factor = args
    canvas = size * factor
    image = Image.new("RGB", (canvas, canvas), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for slot in range(1 if attributes[0] == 0 else 2):
        colour = COLOURS[COLOUR_NAMES[attributes[1 + 3 * slot]]]
        shape = SHAPES[attributes[2 + 3 * slot]]
        y0, x0, y1, x1 = (float(v) * canvas for v in bbox[slot])
        if shape == "circle":
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == "square":
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        elif shape == "triangle":
            draw.polygon([((x0 + x1) / 2, y0), (x1, y1), (x0, y1)], fill=colour)
        else:  # cross: two bars a third of the box thick
            t = (x1 - x0) / 6
            xc, yc = (x0 + x1) / 2, (y0 + y1) / 2
            draw.rectangle((x0, yc - t, x1, yc + t), fill=colour)
            draw.rectangle((xc - t, y0, xc + t, y1), fill=colour)
    if factor > 1:
        image = image.resize((size, size), Image.BOX)
    return np.asarray(image)


def render(scenes, size=DEFAULT_SIZE):
    """uint8 images [N, size, size, 3] of `scenes`."""
    if not isinstance(size, (int, np.integer)) or size < 4:
        raise UserError(f"shapes image size must be an integer >= 4, got {size!r}")
    factor = max(2, min(4, 512 // size))
    jobs = [(a, b, int(size), factor) for a, b in zip(scenes.attributes, scenes.bbox)]
    with concurrent.futures.ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        return np.stack(list(pool.map(_draw, jobs, chunksize=64)))


@functools.lru_cache(maxsize=8)
def generate(n, size=DEFAULT_SIZE, seed=None, split="train"):
    """`n` captioned images of `split` at `size` px (cached per process)."""
    scenes = make_scenes(n, seed, split)
    return ShapesCaptions(scenes.attributes, scenes.bbox, scenes.captions,
                          scenes.classes, render(scenes, size))


def default_count(size):
    """Scenes held in memory by default: 10,000, fewer above 64 px
    (about 600 MB of uint8 pixels at most)."""
    return int(min(10_000, 600e6 // (size * size * 3)))


def example_scenes(n, split="test"):
    """`n` scenes (single objects and pairs mixed) whose first captions are
    the sample captions of grids and example inputs (the first n of one
    fixed draw, so every n agrees)."""
    scenes = make_scenes(max(n, 256), seed=7, split=split)
    return Scenes(*(getattr(scenes, f.name)[:n] for f in dataclasses.fields(Scenes)))


def example_captions(n, split="test"):
    """`n` captions of distinct scenes, single objects and pairs mixed."""
    return [str(c) for c in example_scenes(n, split).captions[:n, 0]]


def boxes_for(captions):
    """Bounding boxes [N, 2, 4] of example captions (`example_scenes`' test
    and held-out scenes), None where a caption is not one of them."""
    known = {}
    for split in ("test", "heldout"):
        scenes = example_scenes(256, split)
        for caption, box in zip(scenes.captions[:, 0], scenes.bbox):
            known.setdefault(str(caption), box)  # the first scene of a caption
    return [known.get(str(c)) for c in captions]


def load_source(arg, *, split, data_dir, image_size):
    """The `shapes_captions` loader of `tfgan_zoo.data` (see module doc)."""
    _check_split(split)
    size = image_size or DEFAULT_SIZE
    try:
        n = int(arg) if arg else default_count(size)
    except ValueError:
        raise UserError(f"shapes_captions:N needs a number of scenes, got '{arg}'") from None
    data = generate(n, size, None, split)
    features = {"tokens": _token_ids(data.captions),
                "contrast_tokens": _contrast_tokens(n, split),
                "attributes": data.attributes, "bbox": data.bbox, "class": data.classes}
    stream = tf.data.Dataset.from_tensor_slices((data.images, features))
    return Source("shapes_captions", (size, size, 3), n, stream=stream,
                   num_classes=NUM_CLASSES)
