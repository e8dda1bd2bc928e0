"""A seeded, procedural person renderer, and pose-transfer pairs from it.

No pose dataset ships offline (Market-1501 and DeepFashion need a
download), so PG2 (Ma et al. 2017) trains on rendered people: a frontal
mannequin drawn from 14 keypoints (the LSP skeleton: head, neck, shoulders,
elbows, wrists, hips, knees, ankles) with capsule limbs, a head with hair,
a shirt (plain or striped, long or short sleeves), trousers or shorts, shoes
and a skin tone, over a background patch cut from the bundled photos
(`tfgan_zoo.data.photos`; training and test photos are disjoint). A
person's look is one `Appearance`, a pose one set of joint angles, so the
same person can be drawn in any pose.

    poses   (I_A, P_B, I_B, M_B) pairs at 64x32 (H x W): one person in pose A
            and in pose B over the same background, the 14 keypoint maps of
            pose B, and pose B's body mask; 6,000 train / 600 test pairs,
            seeded per split. Elements are (image_a, pose_b, image_b,
            mask_b): float32 [B, 64, 32, 3] in [-1, 1], float32
            [B, 64, 32, 14] in [0, 1], float32 [B, 64, 32, 3], float32
            [B, 64, 32, 1] in {0, 1}.

`render(appearance, pose, height, width, background)` is the renderer;
figures wearing Fashion-MNIST garments (`tfgan_zoo.data.figures`) use it.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import photos
from tfgan_zoo.data.base import Data
from tfgan_zoo.errors import UserError

KEYPOINTS = ("head", "neck", "right_shoulder", "right_elbow", "right_wrist",
             "left_shoulder", "left_elbow", "left_wrist", "right_hip", "right_knee",
             "right_ankle", "left_hip", "left_knee", "left_ankle")
NUM_KEYPOINTS = len(KEYPOINTS)
# Limbs as (from, to) keypoint indices, for drawing skeletons.
BONES = ((0, 1), (1, 2), (2, 3), (3, 4), (1, 5), (5, 6), (6, 7), (2, 8), (5, 11),
         (8, 9), (9, 10), (11, 12), (12, 13), (8, 11))
POSE_SHAPE = (64, 32)
POSE_PAIRS = {"train": 6000, "test": 600}
SPLIT_SEEDS = {"train": 0, "test": 1}
# Gaussian keypoint maps, sigma as a fraction of the image height.
HEATMAP_SIGMA = 0.03
SKIN = ((255, 224, 196), (234, 192, 160), (198, 148, 110), (160, 110, 75), (110, 72, 48))
SUPERSAMPLE = 2


@dataclasses.dataclass(frozen=True)
class Appearance:
    """What a person looks like, whatever the pose (RGB colours 0..255)."""
    skin: tuple
    hair: tuple
    shirt: tuple
    stripe: tuple | None    # a second shirt colour, or None for plain
    stripe_period: float    # stripe period, as a fraction of the body height
    long_sleeves: bool
    trousers: tuple
    shorts: bool
    shoes: tuple
    height: float           # body height, as a fraction of the image height
    build: float            # width scale of the body


def random_appearance(rng, height=(0.82, 0.92), neutral=False):
    """A random look; `neutral` dresses the person in greys only (so that a
    garment put on top stands out)."""
    def colour():
        if neutral:
            return (int(rng.integers(40, 200)),) * 3
        return tuple(int(c) for c in rng.integers(0, 256, 3))
    return Appearance(skin=SKIN[rng.integers(len(SKIN))], hair=colour(), shirt=colour(),
                      stripe=colour() if rng.random() < 0.4 else None,
                      stripe_period=float(rng.uniform(0.03, 0.07)),
                      long_sleeves=bool(rng.random() < 0.5), trousers=colour(),
                      shorts=bool(rng.random() < 0.3), shoes=colour(),
                      height=float(rng.uniform(*height)), build=float(rng.uniform(0.9, 1.15)))


def random_pose(rng, arms=(-20.0, 100.0), legs=(-8.0, 30.0)):
    """Joint angles in degrees from straight down (positive: away from the
    body): upper arms, elbows, thighs, knees (right then left), torso tilt,
    and a horizontal shift (fraction of the width)."""
    return {"arms": rng.uniform(*arms, 2), "elbows": rng.uniform(-10, 110, 2),
            "thighs": rng.uniform(*legs, 2), "knees": rng.uniform(-25, 15, 2),
            "tilt": float(rng.uniform(-8, 8)), "shift": float(rng.uniform(-0.08, 0.08))}


def _direction(degrees, side):
    """Unit vector at `degrees` from straight down, turned outwards on
    `side` (-1 right side of the image's left, +1 left)."""
    angle = np.deg2rad(degrees)
    return np.array([side * np.sin(angle), np.cos(angle)])


def keypoints(appearance, pose, height, width):
    """[14, 2] (x, y) pixel coordinates of the pose (the person's right on
    the image's left, as a frontal view shows it)."""
    unit = appearance.height * height
    build = appearance.build
    hip = np.array([width / 2 + pose["shift"] * width, height * 0.5 + unit * 0.03])
    up = _direction(180 + pose["tilt"], 1)
    neck = hip + up * unit * 0.30
    across = np.array([-up[1], up[0]])  # towards the image's right
    points = np.zeros((NUM_KEYPOINTS, 2))
    points[0] = neck + up * unit * 0.10
    points[1] = neck
    for side, (shoulder, elbow, wrist, hip_i, knee, ankle) in (
            (-1, (2, 3, 4, 8, 9, 10)), (1, (5, 6, 7, 11, 12, 13))):
        i = 0 if side < 0 else 1
        points[shoulder] = neck + side * across * unit * 0.11 * build
        points[elbow] = points[shoulder] + _direction(pose["arms"][i], side) * unit * 0.17
        points[wrist] = points[elbow] + _direction(pose["arms"][i] + pose["elbows"][i],
                                                   side) * unit * 0.15
        points[hip_i] = hip + side * across * unit * 0.07 * build
        points[knee] = points[hip_i] + _direction(pose["thighs"][i], side) * unit * 0.25
        points[ankle] = points[knee] + _direction(pose["thighs"][i] + pose["knees"][i],
                                                  side) * unit * 0.24
    return points


def _segment_distance(px, py, a, b):
    """Distance of every pixel centre (px, py) to the segment a-b."""
    ab = b - a
    t = ((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / max(float(ab @ ab), 1e-9)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(px - (a[0] + t * ab[0]), py - (a[1] + t * ab[1]))


def capsule_window(a, b, radius, scale, shape):
    """The slice of a supersampled canvas that a capsule can touch."""
    low = (np.minimum(a, b) - radius) * scale
    high = (np.maximum(a, b) + radius) * scale + 1
    return (slice(int(np.clip(low[1], 0, shape[0])), int(np.clip(high[1], 0, shape[0]))),
            slice(int(np.clip(low[0], 0, shape[1])), int(np.clip(high[0], 0, shape[1]))))


def _parts(appearance, points, unit):
    """(name, colour, [(a, b, radius)], textured) in drawing order."""
    build = appearance.build
    sleeve = appearance.shirt if appearance.long_sleeves else appearance.skin
    shin = appearance.skin if appearance.shorts else appearance.trousers
    p = points
    hip_centre = (p[8] + p[11]) / 2
    foot = np.array([0.0, 0.0])
    parts = []
    for hip_i, knee, ankle in ((8, 9, 10), (11, 12, 13)):
        side = -1 if hip_i == 8 else 1
        foot = p[ankle] + np.array([side * unit * 0.04, unit * 0.01])
        parts += [("trousers", appearance.trousers, [(p[hip_i], p[knee], 0.05 * unit * build)],
                   False),
                  ("shin", shin, [(p[knee], p[ankle], 0.042 * unit * build)], False),
                  ("shoe", appearance.shoes, [(p[ankle], foot, 0.03 * unit)], False)]
    parts.append(("shirt", appearance.shirt, [
        (p[1], hip_centre, 0.09 * unit * build), (p[2], p[8], 0.055 * unit * build),
        (p[5], p[11], 0.055 * unit * build), (p[2], p[5], 0.05 * unit * build),
        (p[8], p[11], 0.055 * unit * build)], True))
    for shoulder, elbow, wrist in ((2, 3, 4), (5, 6, 7)):
        parts += [("upper_arm", appearance.shirt, [(p[shoulder], p[elbow], 0.036 * unit * build)],
                   True),
                  ("forearm", sleeve, [(p[elbow], p[wrist], 0.03 * unit * build)],
                   appearance.long_sleeves),
                  ("hand", appearance.skin, [(p[wrist], p[wrist], 0.032 * unit)], False)]
    parts += [("neck", appearance.skin, [(p[0], p[1], 0.03 * unit)], False),
              ("head", appearance.skin, [(p[0], p[0], 0.07 * unit)], False),
              ("hair", appearance.hair, [(p[0] - np.array([0, 0.045 * unit]),
                                          p[0] - np.array([0, 0.045 * unit]), 0.05 * unit)],
               False)]
    return parts


def render(appearance, pose, height, width, background=None, extra=None):
    """(uint8 [H, W, 3] image, [14, 2] keypoints, bool [H, W] body mask).

    `background` is a uint8 [H, W, 3] image (grey by default). `extra(canvas,
    px, py, points, unit)` may paint more (a garment) onto the float
    supersampled canvas before it is shrunk; it returns a bool mask of what
    it painted, which joins the body mask."""
    points = keypoints(appearance, pose, height, width)
    scale = SUPERSAMPLE
    big = (height * scale, width * scale)
    py, px = np.mgrid[0:big[0], 0:big[1]]
    px, py = (px + 0.5) / scale, (py + 0.5) / scale
    if background is None:
        background = np.full((height, width, 3), 128, np.uint8)
    canvas = np.repeat(np.repeat(background.astype(np.float32), scale, 0), scale, 1)
    body = np.zeros(big, bool)
    unit = appearance.height * height
    for name, colour, capsules, textured in _parts(appearance, points, unit):
        ends = np.array([end for a, b, _ in capsules for end in (a, b)])
        reach = max(radius for _, _, radius in capsules)
        window = capsule_window(ends.min(0), ends.max(0), reach, scale, big)
        wx, wy = px[window], py[window]
        inside = np.zeros(wx.shape, bool)
        for a, b, radius in capsules:
            inside |= _segment_distance(wx, wy, np.asarray(a), np.asarray(b)) <= radius
        paint = np.asarray(colour, np.float32)
        if textured and appearance.stripe is not None:
            stripes = (np.floor(wy / (appearance.stripe_period * unit)) % 2).astype(bool)
            paint = np.where(stripes[..., None], np.asarray(appearance.stripe, np.float32),
                             paint)
        region = canvas[window]
        region[inside] = np.broadcast_to(paint, region.shape)[inside]
        body[window] |= inside
    if extra is not None:
        body |= extra(canvas, px, py, points, unit)
    image = canvas.reshape(height, scale, width, scale, 3).mean((1, 3))
    mask = body.reshape(height, scale, width, scale).mean((1, 3)) >= 0.5
    return np.clip(np.rint(image), 0, 255).astype(np.uint8), points.astype(np.float32), mask


def inside_frame(points, height, width, margin=1.0):
    return bool((points[:, 0] >= margin).all() and (points[:, 0] <= width - margin).all()
                and (points[:, 1] >= margin).all() and (points[:, 1] <= height - margin).all())


def framed_pose(rng, appearance, height, width, **ranges):
    """A random pose whose keypoints all fall inside the frame."""
    while True:
        pose = random_pose(rng, **ranges)
        if inside_frame(keypoints(appearance, pose, height, width), height, width, 1.5):
            return pose


def background_patches(split, count, height, width, seed):
    """`count` uint8 patches of the split's photos (disjoint across splits)."""
    shots = [image for _, image in photos.photos(split)]
    boxes = photos.crop_boxes([s.shape[:2] for s in shots], max(height, width), count, seed)
    order = np.random.default_rng(seed + 1).permutation(count)
    return np.stack([shots[i][t:t + height, l:l + width] for i, t, l in boxes])[order]


def heatmaps(points, height, width, sigma=HEATMAP_SIGMA):
    """[..., 14, 2] keypoints -> [..., H, W, 14] Gaussian maps in [0, 1]
    (PG2's pose input P_B), sigma a fraction of the height."""
    points = tf.convert_to_tensor(points, tf.float32)
    ys = tf.range(height, dtype=tf.float32) + 0.5
    xs = tf.range(width, dtype=tf.float32) + 0.5
    dy = ys[:, None, None] - points[..., None, None, :, 1]
    dx = xs[None, :, None] - points[..., None, None, :, 0]
    return tf.exp(-(dx * dx + dy * dy) / (2.0 * (sigma * height) ** 2))


@functools.lru_cache(maxsize=None)
def pose_pairs(split):
    """(image_a, keypoints_a, image_b, keypoints_b, mask_b): uint8 [N, 64,
    32, 3], float32 [N, 14, 2], uint8, float32, bool [N, 64, 32]; seeded."""
    if split not in SPLIT_SEEDS:
        raise UserError(f"dataset 'poses' has splits 'train' and 'test', got '{split}'")
    height, width = POSE_SHAPE
    count = POSE_PAIRS[split]
    rng = np.random.default_rng(SPLIT_SEEDS[split] + 40)
    backgrounds = background_patches(split, count, height, width, SPLIT_SEEDS[split] + 41)
    out = [[] for _ in range(5)]
    for i in range(count):
        look = random_appearance(rng)
        a, b = framed_pose(rng, look, height, width), framed_pose(rng, look, height, width)
        image_a, points_a, _ = render(look, a, height, width, backgrounds[i])
        image_b, points_b, mask_b = render(look, b, height, width, backgrounds[i])
        for store, value in zip(out, (image_a, points_a, image_b, points_b, mask_b)):
            store.append(value)
    arrays = tuple(np.stack(v) for v in out)
    for array in arrays:
        array.setflags(write=False)
    return arrays


@dataclasses.dataclass
class PoseSource:
    """Pose-transfer pairs before batching; `build` batches them (see the
    module docstring)."""

    split: str

    def build(self, *, batch_size, image_size=None, channels=None, shuffle=True, seed=0,
              repeat=True, drop_remainder=True, cache=True):
        if image_size not in (None, POSE_SHAPE[0]) or channels not in (None, 3):
            raise UserError(f"dataset 'poses' is {POSE_SHAPE[0]}x{POSE_SHAPE[1]} RGB: leave "
                            "--image-size and --channels unset")
        image_a, _, image_b, points_b, mask_b = pose_pairs(self.split)
        if drop_remainder and batch_size > len(image_a):
            raise UserError(f"batch size {batch_size} is larger than dataset 'poses' "
                            f"({len(image_a)} pairs): lower --batch-size")
        ds = tf.data.Dataset.from_tensor_slices((image_a, points_b, image_b, mask_b))
        if shuffle:
            ds = ds.shuffle(len(image_a), seed=seed, reshuffle_each_iteration=True)
        if repeat:
            ds = ds.repeat()
        height, width = POSE_SHAPE

        def prepare(a, points, b, mask):
            to_float = lambda x: tf.cast(x, tf.float32) / 127.5 - 1.0  # noqa: E731
            return (to_float(a), heatmaps(points, height, width), to_float(b),
                    tf.cast(mask, tf.float32)[..., None])

        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
        ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA)
        return Data(dataset=ds.with_options(options), image_shape=(height, width, 3),
                    num_classes=None, num_examples=len(image_a), name="poses",
                    model_args={"input_shape": (height, width, 3),
                                "pose_channels": NUM_KEYPOINTS, "paired": True})


def load_poses(arg, *, split, data_dir, image_size):
    """Procedural people, the same person in two poses (a stand-in for
    Market-1501 / DeepFashion pose pairs): 64x32 renders from 14 keypoints,
    6,000 train / 600 test pairs; see tfgan_zoo.data.persons."""
    if arg:
        raise UserError(f"dataset 'poses' takes no option, got ':{arg}'")
    if split not in SPLIT_SEEDS:
        raise UserError(f"dataset 'poses' has splits 'train' and 'test', got '{split}'")
    return PoseSource(split)
