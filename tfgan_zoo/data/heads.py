"""Procedural 3-D heads with exact pose, identity and UV texture: the
offline stand-in for the multi-pose face sets (Multi-PIE, CFP, 300W-LP)
of the face-rotation and UV-completion papers, which cannot be shipped or
downloaded here.

A head is an ellipsoid (radii a, b, c: width, height, depth) carrying a
texture painted in UV coordinates, u = longitude in [-pi, pi] (0 faces
the camera at yaw 0), v = latitude in [-pi/2, pi/2]: skin, a hair cap
from a hairline back, two eyes (white + coloured iris), eyebrows, a nose
stripe and a mouth. An identity is the parameter vector `identity_params`
draws from its number (radii, skin/hair/eye colours, eye spacing and
height, hairline, mouth width, nose length); everything is exact and
seeded. A view is an orthographic ray-cast of the head turned by a yaw in
one of 13 bins, -60 to +60 degrees in 10-degree steps (`YAWS`; bin 6 is
frontal), lit by a fixed Lambertian light.

    render_views(ids, poses, size)  -> uint8 [n, size, size, 3]
    uv_textures(ids, size)          -> uint8 [n, size, size, 3] (rows: v from
                                       top +pi/2 down, columns: u from -pi)
    uv_visibility(poses, ids, size) -> bool  [n, size, size]: the texels a
                                       view sees (front-facing; a convex
                                       head hides nothing else)
    landmarks(ids, poses)           -> float32 [n, 4, 2]: (x, y) of the eyes
                                       (image left, right), nose and mouth
                                       centres, as fractions of the image

Dataset: `heads` (train identities) and `heads:test` (held-out identities,
never in train), every identity at all 13 poses; `heads:N` sets the number
of identities. Labels: identity * 13 + pose bin (int32), so a model reads
identity = label // 13 and pose = label % 13 (`split_label`).
`heads2frontal[:part][:N]` pairs every view with its landmarks and the
true frontal render of its identity (TP-GAN's supervised face rotation):
elements (view, landmarks, frontal, label). `heads2uv[:part][:N]` gives,
for every view, the UV texture that view sees (unseen texels 0, i.e.
mid-grey), the mask of unseen texels (1 = missing) and the complete
texture (UV-GAN's completion): elements (partial, mask, complete, label).
"""

from __future__ import annotations

import functools

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.base import Data, Source, batched_arrays, part_and_count
from tfgan_zoo.errors import UserError

YAWS = tuple(range(-60, 61, 10))
NUM_POSES = len(YAWS)
FRONTAL = YAWS.index(0)
PARTS = {"train": 0, "test": 100_000}     # identity numbers start here per part
DEFAULT_IDENTITIES = {"train": 160, "test": 40}
DEFAULT_SIZE = 32
LIGHT = np.array([-0.4, 0.5, 1.0]) / np.linalg.norm([-0.4, 0.5, 1.0])
BACKGROUND = np.array([0.82, 0.84, 0.88])


def split_label(label):
    """(identity index within the part, pose bin) of a `heads` label."""
    return label // NUM_POSES, label % NUM_POSES


@functools.lru_cache(maxsize=4096)
def identity_params(identity):
    """The parameter vector (a dict) of identity number `identity`."""
    rng = np.random.default_rng([2016, int(identity)])
    skin = np.array([0.95, 0.78, 0.64]) * rng.uniform(0.45, 1.05)
    return {
        "radii": np.array([rng.uniform(0.55, 0.72), rng.uniform(0.72, 0.9),
                           rng.uniform(0.6, 0.8)]),
        "skin": np.clip(skin + rng.normal(0, 0.04, 3), 0, 1),
        "hair": rng.uniform(0.02, 0.9) * rng.dirichlet([4, 3, 2]) * 2.2,
        "iris": rng.uniform(0.05, 0.85, 3),
        "eye_u": rng.uniform(0.28, 0.42),      # eye longitude (each side)
        "eye_v": rng.uniform(0.05, 0.22),      # eye latitude
        "hairline": rng.uniform(0.35, 0.75),   # latitude where hair starts
        "mouth": rng.uniform(0.12, 0.3),       # mouth half-width (longitude)
        "nose": rng.uniform(0.12, 0.3),        # nose length (latitude)
    }


def texture(u, v, p):
    """RGB float [..., 3] in [0, 1] of identity params `p` at UV (u, v)."""
    colour = np.broadcast_to(p["skin"], (*u.shape, 3)).copy()

    def paint(mask, rgb):
        colour[mask] = rgb

    paint((v > -0.1) & (v < 0.0) & (np.abs(u) < 0.05 + 0 * u) & (v > -p["nose"]),
          p["skin"] * 0.7)
    paint((np.abs(u) < 0.04) & (v < 0.0) & (v > -p["nose"]), p["skin"] * 0.7)
    paint((np.abs(v + 0.38) < 0.05) & (np.abs(u) < p["mouth"]), (0.55, 0.12, 0.15))
    eye = p.get("eye_scale", 1.0)
    for side in (-1, 1):
        du, dv = (u - side * p["eye_u"]) / eye, (v - p["eye_v"]) / eye
        paint((du / 0.13) ** 2 + (dv / 0.07) ** 2 < 1, (1.0, 1.0, 1.0))
        paint(du ** 2 + dv ** 2 < 0.055 ** 2, p["iris"])
        paint(du ** 2 + dv ** 2 < 0.022 ** 2, (0.05, 0.05, 0.05))
    for k in range(p.get("wrinkles", 0)):        # cheek lines, more with age
        paint((np.abs(v + 0.14 + 0.1 * k) < 0.022) & (np.abs(u) > 0.16)
              & (np.abs(u) < 0.5), p["skin"] * 0.55)
        paint((np.abs(dv - 0.13) < 0.025) & (np.abs(du) < 0.14), p["hair"] * 0.8)
    paint((v > p["hairline"] - 0.25 * np.cos(u) ** 2 + 0.25) | (np.abs(u) > 2.0)
          & (v > -0.5), p["hair"])
    return colour


def _check(ids, poses=None, size=DEFAULT_SIZE):
    if not isinstance(size, (int, np.integer)) or size < 8:
        raise UserError(f"head image size must be an integer >= 8, got {size!r}")
    if poses is not None:
        poses = np.asarray(poses)
        if poses.size and (poses.min() < 0 or poses.max() >= NUM_POSES):
            raise UserError(f"pose bins are 0-{NUM_POSES - 1} (yaw -60..+60 in 10-degree "
                            f"steps), got {sorted(set(poses.ravel().tolist()))}")


def _rotation(yaw_degrees):
    t = np.deg2rad(yaw_degrees)
    return np.array([[np.cos(t), 0, np.sin(t)], [0, 1, 0], [-np.sin(t), 0, np.cos(t)]])


def render_views(ids, poses, size=DEFAULT_SIZE):
    """uint8 images [n, size, size, 3] of identities `ids` at pose bins
    `poses` (orthographic ray-cast, 2x supersampled)."""
    _check(ids, poses, size)
    return render_params([identity_params(int(i)) for i in np.ravel(ids)], poses, size)


def render_params(params, poses, size=DEFAULT_SIZE):
    """`render_views` of parameter dicts (identities, aged or not)."""
    k = 2 * size
    grid = (np.arange(k) + 0.5) / k * 2 - 1
    x, y = np.meshgrid(grid, -grid)
    out = []
    for p, pose in zip(params, np.ravel(poses)):
        r = _rotation(YAWS[int(pose)]).T          # world -> head
        inv = 1 / p["radii"] ** 2
        # Head point h = r (x, y, z): solve sum(inv * h^2) = 1 for z (nearest z > 0).
        o = np.stack([x, y, np.zeros_like(x)], -1) @ r.T
        d = r[:, 2]
        qa = np.sum(inv * d * d)
        qb = 2 * np.sum(inv * o * d, -1)
        qc = np.sum(inv * o * o, -1) - 1
        disc = qb ** 2 - 4 * qa * qc
        hit = disc > 0
        z = (-qb + np.sqrt(np.maximum(disc, 0))) / (2 * qa)
        h = o + z[..., None] * d
        u = np.arctan2(h[..., 0] / p["radii"][0], h[..., 2] / p["radii"][2])
        v = np.arcsin(np.clip(h[..., 1] / p["radii"][1], -1, 1))
        normal = (h * inv) @ r                    # back to world
        normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
        shade = 0.35 + 0.65 * np.clip(normal @ LIGHT, 0, 1)
        image = np.where(hit[..., None], texture(u, v, p) * shade[..., None], BACKGROUND)
        out.append(image.reshape(size, 2, size, 2, 3).mean((1, 3)))
    return np.rint(np.clip(np.stack(out), 0, 1) * 255).astype(np.uint8)


def uv_grid(size):
    """(u, v) texel centres [size, size]: rows v from +pi/2 down, columns u from -pi."""
    u = ((np.arange(size) + 0.5) / size * 2 - 1) * np.pi
    v = (0.5 - (np.arange(size) + 0.5) / size) * np.pi
    return np.meshgrid(u, v)


def uv_textures(ids, size=DEFAULT_SIZE):
    """uint8 UV texture maps [n, size, size, 3] of identities `ids` (unlit)."""
    _check(ids, None, size)
    u, v = uv_grid(size)
    return np.stack([np.rint(texture(u, v, identity_params(int(i))) * 255)
                     for i in np.ravel(ids)]).astype(np.uint8)


def uv_visibility(poses, ids, size=DEFAULT_SIZE):
    """bool [n, size, size]: the texels each (pose, identity) view sees."""
    _check(ids, poses, size)
    u, v = uv_grid(size)
    out = []
    for identity, pose in zip(np.ravel(ids), np.ravel(poses)):
        radii = identity_params(int(identity))["radii"]
        h = np.stack([radii[0] * np.cos(v) * np.sin(u), radii[1] * np.sin(v),
                      radii[2] * np.cos(v) * np.cos(u)], -1)
        normal_z = ((h / radii ** 2) @ _rotation(YAWS[int(pose)]).T)[..., 2]
        out.append(normal_z > 0)
    return np.stack(out)


LANDMARKS = ("eye_left", "eye_right", "nose", "mouth")   # left/right in the image


def landmarks(ids, poses):
    """float32 [n, 4, 2]: (x, y) image positions, as fractions of the side,
    of each view's `LANDMARKS`: the 3-D centres of the painted eyes, nose
    stripe and mouth, turned and projected as `render_views` draws them."""
    _check(ids, poses)
    out = []
    for identity, pose in zip(np.ravel(ids), np.ravel(poses)):
        p = identity_params(int(identity))
        u = np.array([-p["eye_u"], p["eye_u"], 0.0, 0.0])
        v = np.array([p["eye_v"], p["eye_v"], -p["nose"] / 2, -0.38])
        h = np.stack([p["radii"][0] * np.cos(v) * np.sin(u), p["radii"][1] * np.sin(v),
                      p["radii"][2] * np.cos(v) * np.cos(u)], -1)
        world = h @ _rotation(YAWS[int(pose)]).T
        out.append(np.stack([(world[:, 0] + 1) / 2, (1 - world[:, 1]) / 2], -1))
    return np.asarray(out, np.float32).reshape(-1, len(LANDMARKS), 2)


@functools.lru_cache(maxsize=8)
def generate(identities, size=DEFAULT_SIZE, part="train"):
    """(uint8 images [identities * 13, size, size, 3], int32 labels
    identity_index * 13 + pose) of `part`, every identity at every pose."""
    index = np.repeat(np.arange(identities), NUM_POSES)
    poses = np.tile(np.arange(NUM_POSES), identities)
    images = render_views(index + PARTS[part], poses, size)
    return images, (index * NUM_POSES + poses).astype(np.int32)


def load_source(arg, *, split, data_dir, image_size):
    """The `heads` loader of `tfgan_zoo.data` (see the module doc): `arg`
    is a part (train, test), a number of identities, or part:number."""
    part, count = part_and_count("heads", arg, split, PARTS, "identities", "heads:test:20")
    size = image_size or DEFAULT_SIZE
    images, labels = generate(count or DEFAULT_IDENTITIES[part], size, part)
    name = "heads" + ("" if part == "train" else f":{part}")
    return Source(name, (size, size, 3), len(images), images=images, labels=labels,
                  num_classes=int(labels.max()) + 1)


class FrontalPairs:
    """`heads2frontal`: (view, landmarks, frontal, label) of one part,
    batched by `build` (float32 images in [-1, 1], landmarks [4, 2])."""

    dataset = "heads2frontal"
    images = (0, 2)           # which elements are uint8 images

    def __init__(self, identities, size, part):
        self.identities, self.size, self.part = identities, size, part
        self.name = self.dataset + ("" if part == "train" else f":{part}")

    def arrays(self):
        """(views, landmarks, frontals, labels) as numpy arrays."""
        views, labels = generate(self.identities, self.size, self.part)
        ids, poses = split_label(labels)
        frontal = views[poses == FRONTAL][ids]
        return views, landmarks(ids + PARTS[self.part], poses), frontal, labels

    def build(self, *, batch_size, image_size=None, channels=None, shuffle=True, seed=0,
              repeat=True, drop_remainder=True, cache=True):
        if image_size not in (None, self.size) or channels not in (None, 3):
            raise UserError(f"dataset '{self.name}' is rendered at --image-size and is RGB: "
                            "leave --channels unset")
        arrays = self.arrays()
        count = len(arrays[0])
        ds = batched_arrays(
            arrays, name=self.name, batch_size=batch_size, shuffle=shuffle, seed=seed,
            repeat=repeat, drop_remainder=drop_remainder,
            convert=lambda *e: tuple(tf.cast(t, tf.float32) / 127.5 - 1.0
                                     if i in self.images else t for i, t in enumerate(e)))
        return Data(dataset=ds, image_shape=(self.size, self.size, 3),
                    num_classes=int(arrays[-1].max()) + 1, num_examples=count,
                    name=self.name)


class TexturePairs(FrontalPairs):
    """`heads2uv`: (partial texture, missing mask, complete texture, label)
    of every view of one part, batched by `build` (textures float32 in
    [-1, 1] with unseen texels 0; mask float32 [H, W, 1], 1 = unseen)."""

    dataset = "heads2uv"
    images = (0, 2)

    def arrays(self):
        ids = np.repeat(np.arange(self.identities), NUM_POSES)
        poses = np.tile(np.arange(NUM_POSES), self.identities)
        labels = (ids * NUM_POSES + poses).astype(np.int32)
        complete = uv_textures(np.arange(self.identities) + PARTS[self.part], self.size)[ids]
        seen = uv_visibility(poses, ids + PARTS[self.part], self.size)[..., None]
        partial = np.where(seen, complete, 128).astype(np.uint8)
        # 128 is 0.0039 in [-1, 1]; the model zeroes unseen texels exactly.
        return partial, (~seen).astype(np.float32), complete, labels


def load_frontal_pairs(arg, *, split, data_dir, image_size):
    """Procedural 3-D heads, every view paired with its landmarks and the
    true frontal render of its identity (a stand-in for Multi-PIE's
    profile/frontal pairs); parts train, test (held-out identities)."""
    part, count = part_and_count("heads2frontal", arg, split, PARTS, "identities",
                                 "heads2frontal:test:20")
    return FrontalPairs(count or DEFAULT_IDENTITIES[part], image_size or DEFAULT_SIZE, part)


def load_texture_pairs(arg, *, split, data_dir, image_size):
    """Procedural 3-D heads' UV textures: what one view sees of the texture
    (self-occluded texels missing), the missing mask and the complete
    texture (a stand-in for 3DMM-fitted UV maps, e.g. UV-GAN's WildUV);
    parts train, test (held-out identities)."""
    part, count = part_and_count("heads2uv", arg, split, PARTS, "identities",
                                 "heads2uv:test:20")
    return TexturePairs(count or DEFAULT_IDENTITIES[part], image_size or DEFAULT_SIZE, part)


# ------------------------------------------------------------------ ages
AGE_GROUPS = ("child", "young", "middle", "old")
GREY = np.array([0.8, 0.8, 0.8])


def aged_params(identity, age):
    """Identity `identity`'s parameters at age group `age` (AGE_GROUPS):
    procedural age cues on the same skin, eye colour and features, i.e.
    a child's larger eyes and shorter, rounder head; hair greying (40 %
    middle-aged, 85 % old); 0 / 0 / 1 / 3 cheek lines; a wider face later."""
    if not 0 <= int(age) < len(AGE_GROUPS):
        raise UserError(f"age groups are 0-{len(AGE_GROUPS) - 1} "
                        f"({', '.join(AGE_GROUPS)}), got {age}")
    p = dict(identity_params(int(identity)))
    grey, lines, eye, shape = [(0.0, 0, 1.3, (1.0, 0.86, 1.0)), (0.0, 0, 1.0, (1, 1, 1)),
                               (0.4, 1, 1.0, (1.04, 1.0, 1.0)),
                               (0.85, 3, 0.95, (1.07, 0.98, 1.0))][int(age)]
    p.update(hair=(1 - grey) * p["hair"] + grey * GREY, wrinkles=lines, eye_scale=eye,
             radii=p["radii"] * np.array(shape))
    return p


def skin_tone(identity, bins=3):
    """The skin-tone bin (0 = darkest) of an identity: its skin brightness
    cut at the terciles of the prior; ages never change it."""
    brightness = float(np.mean(identity_params(int(identity))["skin"]))
    return int(np.searchsorted([0.5, 0.63][:bins - 1], brightness))


@functools.lru_cache(maxsize=8)
def generate_aged(identities, size=DEFAULT_SIZE, part="train"):
    """(uint8 frontal renders [identities * 4, size, size, 3], int32 labels
    identity_index * 4 + age group) of `part`, every identity at every age."""
    index = np.repeat(np.arange(identities), len(AGE_GROUPS))
    ages = np.tile(np.arange(len(AGE_GROUPS)), identities)
    params = [aged_params(i + PARTS[part], a) for i, a in zip(index, ages)]
    images = render_params(params, np.full(len(params), FRONTAL), size)
    return images, (index * len(AGE_GROUPS) + ages).astype(np.int32)


def load_aged(arg, *, split, data_dir, image_size):
    """Procedural 3-D heads at 4 age groups (child, young, middle, old:
    eye size, head shape, hair greying, cheek lines; the same identity
    otherwise), frontal; a stand-in for age-labelled faces (UTKFace,
    CACD); label identity * 4 + age group; parts train, test."""
    part, count = part_and_count("heads_aged", arg, split, PARTS, "identities",
                                 "heads_aged:test:20")
    size = image_size or DEFAULT_SIZE
    images, labels = generate_aged(count or DEFAULT_IDENTITIES[part], size, part)
    name = "heads_aged" + ("" if part == "train" else f":{part}")
    return Source(name, (size, size, 3), len(images), images=images, labels=labels,
                  num_classes=int(labels.max()) + 1)
