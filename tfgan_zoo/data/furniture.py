"""Procedural voxel furniture: an offline stand-in for ModelNet / ShapeNet
voxel grids (3D-GAN, Wu et al. 2016), seeded and exactly labelled.

    furniture[:part][:N]   N shapes a class (default 400 train, 50 test) of
                           six classes, voxel grids [S, S, S, 1] in {-1, 1}
                           (occupied = 1) at --image-size S (default 32, a
                           power of 2); label = class

Classes, each built from axis-aligned boxes and discs on the floor of the
grid (axis 0 across, axis 1 down as image rows run, axis 2 front to back):

    chair   seat, 4 legs, a back            table  a top on 4 legs, or a
    stool   small seat on 3 or 4 legs              round top on a pedestal
    bench   long, low seat on 4 legs        sofa   base, two arms, a back
    lamp    base disc, pole, shade

Every dimension is drawn from a range; one KEY proportion per class (the
chair's seat height, the table's height, the stool's height, the bench's
depth, the sofa's width, the lamp's pole height) is held out: the `train`
part draws it from the lower and upper 40 % of its range, the `test` part
only from the middle 20 %, so a test shape is never a training shape and
its key proportion lies between those seen in training."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.base import labelled_data, part_and_count
from tfgan_zoo.errors import UserError

CLASS_NAMES = ("chair", "table", "stool", "bench", "sofa", "lamp")
PARTS = ("train", "test")
DEFAULT_COUNT = {"train": 400, "test": 50}
DEFAULT_SIZE = 32
# The held-out band of each class's KEY proportion (a fraction of its range).
HELD_OUT = (0.4, 0.6)
SEEDS = {"train": 2016, "test": 3016}


def key_fraction(rng, part):
    """The KEY proportion's place in its range: outside HELD_OUT for
    train, inside it for test."""
    low, high = HELD_OUT
    if part == "test":
        return rng.uniform(low, high)
    u = rng.uniform(0, 1 - (high - low))
    return u + (high - low) if u >= low else u


class Grid:
    """A size^3 occupancy grid filled in fractions of its size."""

    def __init__(self, size):
        self.size = size
        self.v = np.zeros((size, size, size), np.uint8)

    def n(self, fraction, minimum=1):
        return max(minimum, int(round(fraction * self.size)))

    def box(self, x0, x1, y0, y1, z0, z1):
        """Voxels [x0, x1) x [y0, y1) x [z0, z1), in voxel indices, clipped."""
        s = self.size
        c = [int(np.clip(a, 0, s)) for a in (x0, x1, y0, y1, z0, z1)]
        self.v[c[0]:max(c[0] + 1, c[1]), c[2]:max(c[2] + 1, c[3]), c[4]:max(c[4] + 1, c[5])] = 1

    def disc(self, cx, cz, radius, y0, y1):
        """A vertical cylinder of `radius` voxels between heights y0, y1."""
        i = np.arange(self.size) + 0.5
        mask = (i[:, None] - cx) ** 2 + (i[None, :] - cz) ** 2 <= radius ** 2
        y0, y1 = int(np.clip(y0, 0, self.size)), int(np.clip(y1, 0, self.size))
        self.v[:, y0:max(y0 + 1, y1), :] |= mask[:, None, :].astype(np.uint8)

    def legs(self, x0, x1, z0, z1, height, thick, count=4):
        """Legs at the corners of [x0, x1) x [z0, z1) (3: two front, one back)."""
        corners = [(x0, z0), (x1 - thick, z0), (x0, z1 - thick), (x1 - thick, z1 - thick)]
        if count == 3:
            corners = corners[:2] + [((x0 + x1 - thick) // 2, z1 - thick)]
        for x, z in corners:
            self.box(x, x + thick, 0, height, z, z + thick)


def _span(g, fraction):
    """A centred [start, stop) of `fraction` of the grid."""
    w = g.n(fraction, 2)
    start = (g.size - w) // 2
    return start, start + w


def chair(g, rng, key):
    x0, x1 = _span(g, rng.uniform(0.45, 0.7))
    z0, z1 = _span(g, rng.uniform(0.45, 0.65))
    seat = g.n(0.25 + 0.25 * key, 2)
    thick, leg = g.n(0.06), g.n(0.06)
    g.legs(x0, x1, z0, z1, seat, leg)
    g.box(x0, x1, seat, seat + thick, z0, z1)
    g.box(x0, x1, seat, seat + thick + g.n(rng.uniform(0.3, 0.45)), z1 - thick, z1)


def table(g, rng, key):
    height = g.n(0.45 + 0.3 * key, 3)
    thick = g.n(0.06)
    if rng.random() < 0.5:  # square top on 4 legs
        x0, x1 = _span(g, rng.uniform(0.7, 0.95))
        z0, z1 = _span(g, rng.uniform(0.55, 0.9))
        g.legs(x0, x1, z0, z1, height, g.n(0.07))
        g.box(x0, x1, height - thick, height, z0, z1)
    else:  # round top on a pedestal with a foot
        c = g.size / 2
        g.disc(c, c, rng.uniform(0.3, 0.47) * g.size, height - thick, height)
        g.disc(c, c, g.n(0.05), 0, height)
        g.disc(c, c, rng.uniform(0.15, 0.25) * g.size, 0, thick)


def stool(g, rng, key):
    height = g.n(0.3 + 0.3 * key, 3)
    thick = g.n(0.06)
    if rng.random() < 0.5:
        x0, x1 = _span(g, rng.uniform(0.3, 0.45))
        g.legs(x0, x1, x0, x1, height, g.n(0.06), count=int(rng.choice([3, 4])))
        g.box(x0, x1, height - thick, height, x0, x1)
    else:  # round seat, legs inside it
        radius = rng.uniform(0.15, 0.22) * g.size
        c = g.size / 2
        g.disc(c, c, radius, height - thick, height)
        x0, x1 = int(c - radius * 0.7), int(np.ceil(c + radius * 0.7))
        g.legs(x0, x1, x0, x1, height, g.n(0.06), count=int(rng.choice([3, 4])))


def bench(g, rng, key):
    x0, x1 = _span(g, rng.uniform(0.8, 0.97))
    z0, z1 = _span(g, 0.2 + 0.2 * key)
    height = g.n(rng.uniform(0.22, 0.35), 2)
    thick = g.n(0.06)
    g.legs(x0, x1, z0, z1, height, g.n(0.06))
    g.box(x0, x1, height - thick, height, z0, z1)


def sofa(g, rng, key):
    x0, x1 = _span(g, 0.65 + 0.3 * key)
    z0, z1 = _span(g, rng.uniform(0.4, 0.6))
    seat = g.n(rng.uniform(0.18, 0.28), 2)
    arm, back = g.n(rng.uniform(0.08, 0.14)), g.n(rng.uniform(0.1, 0.16))
    g.box(x0, x1, 0, seat, z0, z1)
    arms = seat + g.n(rng.uniform(0.08, 0.16))
    g.box(x0, x0 + arm, 0, arms, z0, z1)
    g.box(x1 - arm, x1, 0, arms, z0, z1)
    g.box(x0, x1, 0, seat + g.n(rng.uniform(0.25, 0.4)), z1 - back, z1)


def lamp(g, rng, key):
    c = g.size / 2
    base = g.n(0.05)
    top = g.n(0.5 + 0.3 * key, 4)
    g.disc(c, c, rng.uniform(0.15, 0.25) * g.size, 0, base)
    g.disc(c, c, max(1.0, 0.04 * g.size), 0, top)
    shade = g.n(rng.uniform(0.15, 0.25), 2)
    r0, r1 = rng.uniform(0.2, 0.3) * g.size, rng.uniform(0.1, 0.2) * g.size
    for k in range(shade):  # a cone: wide below, narrow above
        g.disc(c, c, r0 + (r1 - r0) * k / max(1, shade - 1), top - shade // 2 + k,
               top - shade // 2 + k + 1)


BUILDERS = (chair, table, stool, bench, sofa, lamp)


def check_size(size):
    if not isinstance(size, int) or size < 8 or size & (size - 1):
        raise UserError(f"voxel size {size} is not a power of 2 of at least 8: "
                        "pass --image-size 16, 32 or 64")
    return size


@functools.lru_cache(maxsize=4)
def generate(per_class, size=DEFAULT_SIZE, part="train", seed=None):
    """(uint8 [6 * per_class, size, size, size, 1] occupancy in {0, 1},
    int32 labels), classes in turn, seeded by part. `seed` draws other
    shapes of the same part's distribution (benchmarks/gan3d_coverage.py's
    ceiling); the data sets use the part's own seed, `SEEDS`."""
    check_size(size)
    rng = np.random.default_rng(SEEDS[part] if seed is None else seed)
    shapes, labels = [], []
    for _ in range(per_class):
        for label, build in enumerate(BUILDERS):
            grid = Grid(size)
            build(grid, rng, key_fraction(rng, part))
            shapes.append(grid.v)
            labels.append(label)
    # Axis 1 runs down, as image rows do, so the projections stand upright.
    voxels = np.ascontiguousarray(np.stack(shapes)[:, :, ::-1, :, None])
    return voxels, np.asarray(labels, np.int32)


def as_float(occupancy):
    """{0, 1} occupancy -> the {-1, 1} voxels models train on."""
    return occupancy.astype(np.float32) * 2 - 1


@dataclasses.dataclass
class VoxelSource:
    """Furniture grids of one part; `build` batches (voxels, labels)."""

    part: str
    per_class: int
    size: int

    name = "furniture"

    @property
    def num_examples(self):
        return self.per_class * len(CLASS_NAMES)

    def build(self, *, image_size=None, channels=None, cache=True, **batching):
        voxels, labels = generate(self.per_class, self.size, self.part)
        return labelled_data(f"furniture:{self.part}", voxels, labels, class_names=CLASS_NAMES,
                             image_shape=voxels.shape[1:], channels=1, requested=channels,
                             what="voxel grids", **batching,
                             convert=lambda v, y: (tf.cast(v, tf.float32) * 2 - 1, y))


def load_source(arg, *, split="train", data_dir=None, image_size=None):
    """Procedural voxel furniture (chair, table, stool, bench, sofa, lamp),
    a stand-in for ModelNet voxel grids: seeded, with a held-out band of
    each class's key proportion in the test part."""
    part, count = part_and_count("furniture", arg, split, PARTS, "shapes a class",
                                 "furniture:test:20")
    size = check_size(DEFAULT_SIZE if image_size is None else image_size)
    return VoxelSource(part, count or DEFAULT_COUNT[part], size)
