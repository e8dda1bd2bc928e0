"""Procedural cartoon faces with exact tags: the offline stand-in for the
anime faces of Jin et al. 2017 (whose Getchu images, tagged by
Illustration2Vec, cannot be shipped or downloaded here).

Each face is drawn from a seed: a pastel background, hair (back hair that
is short, or long past the chin, and a fringe), a face of one of four
skin tones, big eyes (white, a coloured iris, a pupil and a highlight), a
mouth, and optionally blush and glasses; position, size, fringe shape and
mouth vary as nuisances. Its tags are exact, known from the drawing:

    hair colour   blonde, brown, black, red, blue, pink   (one of 6)
    eye colour    blue, green, red, brown, purple          (one of 5)
    long hair     yes / no ("short hair")
    blush         yes / no
    glasses       yes / no

As labels a face carries a multi-hot float32 vector over `TAGS` (14
entries: 6 hair colours, 5 eye colours, long hair, blush, glasses), the
layout `TAG_GROUPS` describes.

Parts (`cartoon_faces`, `cartoon_faces:test`, `cartoon_faces:heldout`, or
the same through `split=`):
    train    faces whose (hair colour, eye colour) pair is never one of
             `HELD_OUT`
    test     new faces from the train distribution
    heldout  faces that all have a held-out pair (zero-shot combinations)

Faces are drawn at 4x and box-filtered down, at any size >= 16 (32 by
default); `cartoon_faces:N` (or `:test:N`) sets the number of faces.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os

import numpy as np
from PIL import Image, ImageDraw

from tfgan_zoo.data.base import Source, part_and_count
from tfgan_zoo.errors import UserError

HAIR_COLOURS = {"blonde": (246, 214, 108), "brown": (122, 72, 36), "black": (38, 36, 48),
                "red": (214, 52, 40), "blue": (58, 112, 222), "pink": (246, 140, 192)}
EYE_COLOURS = {"blue": (40, 96, 236), "green": (36, 172, 72), "red": (206, 28, 40),
               "brown": (112, 62, 22), "purple": (146, 58, 206)}
SKIN_TONES = ((255, 226, 204), (246, 206, 172), (222, 172, 130), (170, 118, 84))
# (hair colour, eye colour) pairs that the train and test parts never hold.
HELD_OUT = (("black", "green"), ("brown", "purple"), ("blonde", "red"), ("blue", "brown"),
            ("pink", "blue"))
TAGS = (tuple(f"{c} hair" for c in HAIR_COLOURS) + tuple(f"{c} eyes" for c in EYE_COLOURS)
        + ("long hair", "blush", "glasses"))
# Tag layout: sizes of the one-of-k groups (hair colour, eye colour), then
# one entry per yes/no tag.
TAG_GROUPS = (len(HAIR_COLOURS), len(EYE_COLOURS), 1, 1, 1)
GROUP_NAMES = ("hair colour", "eye colour", "hair length", "blush", "glasses")
# What a tag's absence is called, for yes/no tags.
NEGATIONS = {"short hair": "long hair", "no blush": "blush", "no glasses": "glasses"}
PARTS = {"train": 2017, "test": 2018, "heldout": 2019}
DEFAULT_COUNT = {"train": 6000, "test": 1000, "heldout": 1000}
DEFAULT_SIZE = 32
YES_PROBABILITY = 0.5


def group_slices(groups=TAG_GROUPS):
    """(start, stop) of each group in a tag vector."""
    stops = np.cumsum(groups)
    return [(int(stop - size), int(stop)) for size, stop in zip(groups, stops)]


def sample_tags(n, groups=TAG_GROUPS, seed=0, order=False):
    """n valid tag vectors float32 [n, sum(groups)]: one entry of each
    one-of-k group, each yes/no tag with probability 1/2. `order` cycles
    the first two groups in order (row i: value i of the first, i // k of
    the second), so a grid shows every pair."""
    rng = np.random.default_rng(seed)
    tags = np.zeros((n, sum(groups)), np.float32)
    multi = [(g, s) for g, s in zip(groups, group_slices(groups)) if g > 1]
    for i, (size, (start, _)) in enumerate(multi):
        if order and i < 2:
            previous = multi[0][0] if i == 1 else 1
            value = (np.arange(n) // previous) % size
        else:
            value = rng.integers(size, size=n)
        tags[np.arange(n), start + value] = 1.0
    for size, (start, _) in zip(groups, group_slices(groups)):
        if size == 1:
            tags[:, start] = rng.random(n) < YES_PROBABILITY
    return tags


def encode_tags(names, seed=0):
    """A tag vector float32 [len(TAGS)] from tag names ("pink hair",
    "green eyes", "short hair", "glasses", ...); groups not named are drawn
    at random. Unknown tags and two values of one group are UserErrors."""
    vector = sample_tags(1, seed=seed)[0]
    named = set()
    for name in names:
        key = str(name).strip().lower()
        wanted = NEGATIONS.get(key, key)
        if wanted not in TAGS:
            raise UserError(f"unknown tag {str(name)!r}: the cartoon_faces dataset has "
                            f"{', '.join(TAGS + tuple(NEGATIONS))}")
        index = TAGS.index(wanted)
        group = next(g for g, (a, b) in enumerate(group_slices()) if a <= index < b)
        if group in named:
            raise UserError(f"two values of {GROUP_NAMES[group]} among {list(names)}")
        named.add(group)
        start, stop = group_slices()[group]
        vector[start:stop] = 0.0
        vector[index] = 0.0 if key in NEGATIONS else 1.0
    return vector


def describe(tags):
    """Tag names of a tag vector (the yes/no tags only when present)."""
    tags = np.asarray(tags)
    names = []
    for size, (start, stop) in zip(TAG_GROUPS, group_slices()):
        if size > 1:
            names.append(TAGS[start + int(np.argmax(tags[start:stop]))])
        elif tags[start] > 0.5:
            names.append(TAGS[start])
    return names


def _check_part(part):
    if part not in PARTS:
        raise UserError(f"cartoon_faces has parts {', '.join(PARTS)}, got '{part}'")


def make_faces(n, part="train", seed=None):
    """Attributes of n faces: a dict of int arrays (hair, eye, long, blush,
    glasses, skin, ...) and the nuisance parameters, deterministic from
    the part's seed (or `seed`)."""
    _check_part(part)
    rng = np.random.default_rng(PARTS[part] if seed is None else [seed, PARTS[part]])
    hair_names, eye_names = list(HAIR_COLOURS), list(EYE_COLOURS)
    held = {(hair_names.index(h), eye_names.index(e)) for h, e in HELD_OUT}
    every = [(h, e) for h in range(len(hair_names)) for e in range(len(eye_names))]
    pool = sorted(held) if part == "heldout" else [p for p in every if p not in held]
    pairs = np.asarray(pool)[rng.integers(len(pool), size=n)]
    return {
        "hair": pairs[:, 0], "eye": pairs[:, 1],
        "long": (rng.random(n) < YES_PROBABILITY).astype(int),
        "blush": (rng.random(n) < YES_PROBABILITY).astype(int),
        "glasses": (rng.random(n) < YES_PROBABILITY).astype(int),
        "skin": rng.integers(len(SKIN_TONES), size=n),
        "background": rng.integers(190, 256, size=(n, 3)),
        "centre": rng.uniform(-0.05, 0.05, size=(n, 2)),
        "scale": rng.uniform(0.92, 1.06, size=n),
        "fringe": rng.integers(3, 6, size=n),
        "mouth": rng.integers(3, size=n),
    }


def tag_vectors(faces):
    """Multi-hot tags float32 [n, len(TAGS)] of `make_faces` attributes."""
    n = len(faces["hair"])
    tags = np.zeros((n, len(TAGS)), np.float32)
    tags[np.arange(n), faces["hair"]] = 1.0
    tags[np.arange(n), len(HAIR_COLOURS) + faces["eye"]] = 1.0
    start = len(HAIR_COLOURS) + len(EYE_COLOURS)
    for offset, key in enumerate(("long", "blush", "glasses")):
        tags[:, start + offset] = faces[key]
    return tags


def _draw(args):
    face, size = args
    k = 4 * size / 64.0                       # drawing units: a 64-px face, drawn at 4x
    canvas = 4 * size
    image = Image.new("RGB", (canvas, canvas), tuple(int(v) for v in face["background"]))
    draw = ImageDraw.Draw(image)
    s = face["scale"]
    cx = canvas / 2 + face["centre"][0] * canvas
    cy = canvas / 2 + 2 * k + face["centre"][1] * canvas
    hair = HAIR_COLOURS[list(HAIR_COLOURS)[face["hair"]]]
    skin = SKIN_TONES[face["skin"]]

    def box(x0, y0, x1, y1):  # offsets from the face centre, in drawing units
        return (cx + x0 * k * s, cy + y0 * k * s, cx + x1 * k * s, cy + y1 * k * s)

    # Back hair: a cap around the head, or a long mane down past the chin.
    if face["long"]:
        draw.rounded_rectangle(box(-25, -26, 25, 30), radius=14 * k * s, fill=hair)
    else:
        draw.ellipse(box(-23, -27, 23, 12), fill=hair)
    draw.rectangle(box(-5, 14, 5, 24), fill=skin)                       # neck
    draw.ellipse(box(-18, -18, 18, 22), fill=skin)                      # face
    # Fringe: a band over the forehead with `fringe` points hanging down.
    draw.ellipse(box(-21, -27, 21, -6), fill=hair)
    points = int(face["fringe"])
    edges = np.linspace(-20, 20, points + 1)
    for left, right in zip(edges[:-1], edges[1:]):
        draw.polygon([box(left, -12, left, -12)[:2], box(right, -12, right, -12)[:2],
                      box((left + right) / 2, -3, 0, 0)[:2]], fill=hair)
    # Eyes: white, iris in the eye colour, pupil, highlight.
    iris = EYE_COLOURS[list(EYE_COLOURS)[face["eye"]]]
    for side in (-1, 1):
        ex = side * 8.5
        draw.ellipse(box(ex - 6, -2, ex + 6, 11), fill=(255, 255, 255))
        draw.ellipse(box(ex - 4.5, -1, ex + 4.5, 11), fill=iris)
        draw.ellipse(box(ex - 2, 3, ex + 2, 8), fill=(20, 16, 24))
        draw.ellipse(box(ex - 3.5, 0, ex - 1, 3), fill=(255, 255, 255))
        draw.line([box(ex - 6.5, -2.5, 0, 0)[:2], box(ex + 6.5, -2.5, 0, 0)[:2]],
                  fill=(30, 24, 30), width=max(1, int(1.5 * k)))
        if face["blush"]:
            draw.ellipse(box(ex - 5, 12, ex + 5, 16), fill=(250, 120, 140))
        if face["glasses"]:
            draw.rounded_rectangle(box(ex - 7.5, -4, ex + 7.5, 13), radius=3 * k,
                                   outline=(24, 24, 28), width=max(1, int(2 * k)))
    if face["glasses"]:
        draw.line([box(-1, 3, 0, 0)[:2], box(1, 3, 0, 0)[:2]], fill=(24, 24, 28),
                  width=max(1, int(2 * k)))
    mouth = int(face["mouth"])
    if mouth == 0:
        draw.arc(box(-4, 12, 4, 18), 20, 160, fill=(120, 40, 40), width=max(1, int(k)))
    elif mouth == 1:
        draw.ellipse(box(-2.5, 14, 2.5, 18.5), fill=(170, 50, 60))
    else:
        draw.line([box(-3, 16, 0, 0)[:2], box(3, 16, 0, 0)[:2]], fill=(120, 40, 40),
                  width=max(1, int(k)))
    return np.asarray(image.resize((size, size), Image.BOX))


def render(faces, size=DEFAULT_SIZE):
    """uint8 images [n, size, size, 3] of `make_faces` attributes."""
    if not isinstance(size, (int, np.integer)) or size < 16:
        raise UserError(f"cartoon face size must be an integer >= 16, got {size!r}")
    n = len(faces["hair"])
    jobs = [({k: v[i] for k, v in faces.items()}, int(size)) for i in range(n)]
    with concurrent.futures.ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        return np.stack(list(pool.map(_draw, jobs, chunksize=64)))


@functools.lru_cache(maxsize=8)
def generate(n, size=DEFAULT_SIZE, part="train", seed=None):
    """(uint8 images [n, size, size, 3], tags float32 [n, 14]) of `part`
    (cached per process)."""
    faces = make_faces(n, part, seed)
    return render(faces, size), tag_vectors(faces)


def load_source(arg, *, split, data_dir, image_size):
    """The `cartoon_faces` loader of `tfgan_zoo.data` (see the module doc):
    `arg` is a part, a count, or part:count."""
    part, count = part_and_count("cartoon_faces", arg, split, PARTS, "faces",
                                 "cartoon_faces:test:500")
    size = image_size or DEFAULT_SIZE
    images, tags = generate(count or DEFAULT_COUNT[part], size, part)
    name = "cartoon_faces" + ("" if part == "train" else f":{part}")
    return Source(name, (size, size, 3), len(images), images=images, labels=tags,
                  num_classes=len(TAGS), class_names=TAGS)
