"""Measures of generated videos (MoCoGAN, Tulyakov et al. 2018, §4):

- `average_content_distance` (ACD): how much the content drifts within a
  video: the mean L2 distance between the content features of consecutive
  frames, averaged over videos. For the shape-motion set the feature is
  the mean colour of the frame's foreground (pixels brighter than the black
  background), so a moving shape of one colour scores ~0 and a shape that
  changes colour scores high; for real footage from a fixed camera
  (pedestrians) it is the frame's mean colour (`frame_colours`), which a
  walker crossing a fixed scene barely moves; `random_pair_distance` is
  the same distance between frames of two different videos, the scale ACD
  is read against; `shared_path_parts` splits off the drift all videos
  share (a generator's clock-like motion code can draw one into each);
- a small Conv3D action classifier trained on real clips
  (`train_action_classifier`): the motion-control score is its accuracy at
  reading the action a generator was asked for; with `augment`, on real
  clips whose look, pace and straightness `appearance_jitter` changes at
  random and whose direction it keeps, so that it reads the motion of a
  grey, dim, growing or speckled blob (a generator's) as it does a clean
  shape's;
- a small frame classifier of the content (the shape) trained on real
  frames (`train_frame_classifier`), for the swap checks: swapping the
  motion keeps the shape, swapping the content keeps the motion;
- `centroid_motion`: the motion read from the frames alone, with nothing
  learned: the path of the centroid of what stands out from the video's
  ground, its direction, length, straightness and the flicker of its
  mass (what a generator's videos do, whatever a classifier reads).

Videos are [N, T, H, W, C] in [-1, 1]."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers
from scipy import ndimage

from tfgan_zoo.evaluation.volume import fit_classifier

# A pixel is foreground where its brightest channel exceeds this ([-1, 1]).
FOREGROUND = -0.5


def content_features(videos):
    """[N, T, H, W, C] -> [N, T, C]: the mean colour of each frame's
    foreground (zeros for a frame with none)."""
    videos = np.asarray(videos, np.float32)
    mask = (videos.max(-1, keepdims=True) > FOREGROUND).astype(np.float32)
    area = mask.sum((2, 3))
    return (videos * mask).sum((2, 3)) / np.maximum(area, 1)


def frame_colours(videos):
    """[N, T, H, W, C] -> [N, T, C]: each frame's mean colour."""
    return np.asarray(videos, np.float32).mean((2, 3))


def average_content_distance(videos, features=content_features):
    """ACD: mean L2 distance of consecutive frames' content features."""
    f = features(videos)
    return float(np.linalg.norm(f[:, 1:] - f[:, :-1], axis=-1).mean())


def shared_path_parts(videos, features=content_features):
    """ACD less the drift every video shares. The mean over the videos of
    frame t's content feature is a path over t; a generator whose motion
    code runs like a clock (the same at frame t in every video) can draw
    one drift into all its videos alike, e.g. a scene that brightens.
    Returns (ACD of the features less that path, distance of the path's
    last point from its first)."""
    f = features(videos)
    path = f.mean(0)
    rest = f - path
    return (float(np.linalg.norm(rest[:, 1:] - rest[:, :-1], axis=-1).mean()),
            float(np.linalg.norm(path[-1] - path[0])))


def random_pair_distance(videos, seed=0, features=content_features):
    """The same distance between frame t of a video and frame t of another
    video chosen at random: what ACD would be if content were unrelated."""
    f = features(videos)
    other = np.random.default_rng(seed).permutation(len(f))
    keep = other != np.arange(len(f))
    return float(np.linalg.norm(f[keep] - f[other[keep]], axis=-1).mean())


def centroid_motion(videos, margin=0.1):
    """Each video's motion, read from its frames with nothing learned:
    a pixel's mass is how far its brightest channel stands out from the
    video's median brightness (the ground) by more than `margin`; the
    mass-weighted centroid of each frame (the frame's centre where it has
    none) traces a path. Returns arrays of N: `dx`, `dy` (the mean
    centroid of the last quarter of the frames less the first quarter's,
    in frame widths; +x right, +y down), `direction` (argmax of dx, -dx,
    dy, -dy: the order of `data.motion.ACTIONS`), `path` (the centroid's
    summed step length, frame widths), `straightness` (net displacement
    over the path: 1 a straight glide, ~0 jitter) and `flicker` (the
    std over frames of the mass over its mean: 0 for a shape that keeps
    its size)."""
    videos = np.asarray(videos, np.float32)
    n, t, h, w = videos.shape[:4]
    bright = videos.max(-1)
    ground = np.median(bright.reshape(n, -1), axis=1)[:, None, None, None]
    mass = np.maximum(np.abs(bright - ground) - margin, 0)
    total = mass.sum((2, 3))
    y, x = np.meshgrid((np.arange(h) + 0.5) / w, (np.arange(w) + 0.5) / w, indexing="ij")
    safe = np.maximum(total, 1e-6)
    cx = np.where(total > 0, (mass * x).sum((2, 3)) / safe, 0.5)
    cy = np.where(total > 0, (mass * y).sum((2, 3)) / safe, 0.5 * h / w)
    q = max(1, t // 4)
    dx = cx[:, -q:].mean(1) - cx[:, :q].mean(1)
    dy = cy[:, -q:].mean(1) - cy[:, :q].mean(1)
    path = np.hypot(np.diff(cx, axis=1), np.diff(cy, axis=1)).sum(1)
    net = np.hypot(cx[:, -1] - cx[:, 0], cy[:, -1] - cy[:, 0])
    return {"dx": dx, "dy": dy, "direction": np.stack([dx, -dx, dy, -dy], 1).argmax(1),
            "path": path, "straightness": net / np.maximum(path, 1e-6),
            "flicker": total.std(1) / np.maximum(total.mean(1), 1e-6)}


def _centroids(mass):
    """[N, T, H, W] mass -> (cy, cx) [N, T] in pixel indices (the frame's
    centre where a frame has none)."""
    h, w = mass.shape[2:]
    y, x = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32),
                       indexing="ij")
    total = mass.sum((2, 3))
    safe = np.maximum(total, 1e-6)
    cy = np.where(total > 0, (mass * y).sum((2, 3)) / safe, (h - 1) / 2)
    cx = np.where(total > 0, (mass * x).sum((2, 3)) / safe, (w - 1) / 2)
    return cy, cx


def _resampling(centre, scale, shift, size):
    """[N, T, size, size] bilinear weights that scale a line of `size`
    pixels by `scale` [N, T] about `centre` [N, T] and move it by `shift`
    [N, T] pixels (0 outside the line)."""
    out = np.arange(size, dtype=np.float32)
    source = centre[..., None] + (out - centre[..., None] - shift[..., None]) / scale[..., None]
    low = np.floor(source)
    frac = (source - low)[..., None]
    pixels = np.arange(size)
    return ((1 - frac) * (low[..., None] == pixels) + frac * (low[..., None] + 1 == pixels))


def _zoom_about(frames, cy, cx, sy, sx, dy=0.0, dx=0.0):
    """Each frame of [N, T, H, W, C] (ground 0) scaled by (sy, sx) [N, T]
    about the point (cy, cx) [N, T] and moved by (dy, dx) pixels, bilinear,
    0 outside the frame: separable, one resampling matrix along each axis."""
    h, w = frames.shape[2:4]
    rows = _resampling(cy, sy, np.broadcast_to(dy, cy.shape), h)
    cols = _resampling(cx, sx, np.broadcast_to(dx, cx.shape), w)
    return np.einsum("ntik,ntjl,ntklc->ntijc", rows.astype(np.float32),
                     cols.astype(np.float32), frames, optimize=True)


def appearance_jitter(videos, rng, keep=0.25):
    """The clips' look (and the pace and straightness of their path)
    changed at random, their direction of motion kept: the action judge's
    training augmentation (`keep` of the clips stay as they are). On a
    black ground ([-1, 1], ground -1), each clip in turn:
    - pace: a span of at least half the clip, anywhere in it, stretched
      over all its frames (nearest frame): the shape travels 0.5-1x as far
      and starts anywhere along its path;
    - size and shape: every frame scaled about its own centroid, in height
      and width apart, by factors that drift log-linearly over the clip
      from a start to an end each in [0.6, 1.6] (a shape that grows,
      shrinks or stretches);
    - drift: the frames moved across or along the path, in a random
      direction, by up to 0.4 of the clip's own travel from first frame to
      last (so the travel the asked way stays the larger);
    - colour: desaturated towards its grey by a share in [0, 1], its
      brightness times a gain in [0.15, 1.5] (clipped: whitish) and times
      a fade from one factor to another in [0.15, 1] over the frames
      (the product at least 0.25);
    - blur: a Gaussian of sigma in [0, 1.5] pixels, half of the clips;
    - noise: per-pixel Gaussian noise of sigma in [0, 0.3] ([-1, 1]
      units), at most the dimmest frame's brightest pixel over 2.5.
    The scaling keeps each frame's centroid (up to the frame's edges) and
    the rest keeps its direction of travel, so the label is kept."""
    videos = np.asarray(videos, np.float32)
    v = (videos + 1) / 2
    n, t = v.shape[:2]
    ramp = np.linspace(0, 1, t, dtype=np.float32)[None]
    span = rng.uniform(0.5, 1, (n, 1)) * (t - 1)
    frames = np.rint(rng.uniform(0, 1, (n, 1)) * (t - 1 - span) + span * ramp).astype(int)
    v = v[np.arange(n)[:, None], frames]
    cy, cx = _centroids(v.max(-1))
    # a factor [n, t] that goes from one value to another, each in [lo, hi], over the clip
    def ramped(lo, hi):
        start, end = rng.uniform(lo, hi, (n, 1)), rng.uniform(lo, hi, (n, 1))
        return start + (end - start) * ramp

    sy = np.exp(ramped(np.log(0.6), np.log(1.6)))
    sx = np.exp(ramped(np.log(0.6), np.log(1.6)))
    travel = np.hypot(cy[:, -1] - cy[:, 0], cx[:, -1] - cx[:, 0])[:, None]
    angle = rng.uniform(0, 2 * np.pi, (n, 1))
    away = rng.uniform(0, 0.4, (n, 1)) * travel * (ramp - 0.5)
    v = _zoom_about(v, cy, cx, sy, sx, away * np.sin(angle), away * np.cos(angle))
    grey = v.mean(-1, keepdims=True)
    each = lambda a: a[:, None, None, None, None]  # noqa: E731
    v = grey + (1 - each(rng.uniform(0, 1, n))) * (v - grey)
    light = np.maximum(rng.uniform(0.15, 1.5, (n, 1)) * ramped(0.15, 1.0), 0.25)
    v = v * light[:, :, None, None, None]
    for i, sigma in enumerate(rng.uniform(0, 1.5, n) * (rng.random(n) < 0.5)):
        if sigma > 0.1:
            v[i] = ndimage.gaussian_filter(v[i], (0, sigma, sigma, 0))
    # noise at most the dimmest frame's brightest pixel over 2.5: the shape stays
    # visible (its centroid path reads the label; over 1.5 or 2, 3-4 clips in 1,600 did not)
    dimmest = v.max((2, 3, 4)).min(1)
    v = v + rng.standard_normal(v.shape, np.float32) * each(
        np.minimum(rng.uniform(0, 0.15, n), dimmest / 2.5))
    out = np.clip(v, 0, 1) * 2 - 1
    kept = rng.random(n) < keep
    out[kept] = videos[kept]
    return out.astype(np.float32)


def judge_training(steps=300, batch_size=32, augment=True):
    """How the report's action judge was trained, in words (the report
    writes it beside the motion control score)."""
    how = (", appearance-jittered (evaluation.video.appearance_jitter: pace, size, shape, "
           "drift, colour, fade, blur, noise; a quarter kept as they are)" if augment
           else ", as they are")
    return (f"Conv3D action classifier, {steps} steps of batch {batch_size} on the real train "
            f"clips{how}")


def action_classifier(input_shape, num_actions):
    """Strided Conv3D -> global average -> softmax over actions."""
    x = inputs = keras.Input(input_shape)
    for i, stride in enumerate([(1, 2, 2), (2, 2, 2), (2, 2, 2)]):
        x = layers.Conv3D(8 * 2 ** i, 3, strides=stride, padding="same",
                          activation="relu")(x)
    x = layers.GlobalAveragePooling3D()(x)
    return keras.Model(inputs, layers.Dense(num_actions, activation="softmax")(x))


def train_action_classifier(videos, actions, num_actions, steps=300, batch_size=32, seed=0,
                            augment=False):
    """An `action_classifier` fitted on real clips; with `augment`, each
    batch through `appearance_jitter` (seeded by `seed`)."""
    keras.utils.set_random_seed(seed)
    model = action_classifier(videos.shape[1:], num_actions)
    if not augment:
        return fit_classifier(model, videos, actions, steps, batch_size, seed)
    rng = np.random.default_rng(seed)

    def batches():
        while True:
            pick = rng.integers(len(videos), size=batch_size)
            yield appearance_jitter(videos[pick], rng), actions[pick].astype(np.int32)

    data = tf.data.Dataset.from_generator(batches, output_signature=(
        tf.TensorSpec((batch_size, *videos.shape[1:]), tf.float32),
        tf.TensorSpec((batch_size,), tf.int32)))
    return fit_classifier(model, videos, actions, steps, batch_size, seed, data=data)


def train_frame_classifier(frames, labels, num_classes, steps=300, batch_size=64, seed=0):
    """Strided Conv2D -> global average -> softmax, fitted on real frames."""
    keras.utils.set_random_seed(seed)
    x = inputs = keras.Input(frames.shape[1:])
    for i in range(3):
        x = layers.Conv2D(8 * 2 ** i, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))
    return fit_classifier(model, frames, labels, steps, batch_size, seed)


def predict(model, x, batch=64):
    """Class predictions of a Keras classifier, in batches."""
    return np.concatenate([np.asarray(model.predict_on_batch(x[i:i + batch])).argmax(-1)
                           for i in range(0, len(x), batch)])


def video_shapes(frame_classifier, videos):
    """Each video's content class: the majority of its frames' predictions."""
    n, t = videos.shape[:2]
    per_frame = predict(frame_classifier, videos.reshape(n * t, *videos.shape[2:]))
    return np.array([np.bincount(row).argmax() for row in per_frame.reshape(n, t)])
