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
  is read against;
- a small Conv3D action classifier trained on real clips
  (`train_action_classifier`): the motion-control score is its accuracy at
  reading the action a generator was asked for;
- a small frame classifier of the content (the shape) trained on real
  frames (`train_frame_classifier`), for the swap checks: swapping the
  motion keeps the shape, swapping the content keeps the motion;
- `centroid_motion`: the motion read from the frames alone, with nothing
  learned: the path of the centroid of what stands out from the video's
  ground, its direction, length, straightness and the flicker of its
  mass (what a generator's videos do, whatever a classifier reads).

Videos are [N, T, H, W, C] in [-1, 1]."""

from __future__ import annotations

import numpy as np
import keras
from keras import layers

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


def train_action_classifier(videos, actions, num_actions, steps=300, batch_size=32, seed=0):
    """Strided Conv3D -> global average -> softmax over actions, fitted on
    real clips."""
    keras.utils.set_random_seed(seed)
    x = inputs = keras.Input(videos.shape[1:])
    for i, stride in enumerate([(1, 2, 2), (2, 2, 2), (2, 2, 2)]):
        x = layers.Conv3D(8 * 2 ** i, 3, strides=stride, padding="same",
                          activation="relu")(x)
    x = layers.GlobalAveragePooling3D()(x)
    model = keras.Model(inputs, layers.Dense(num_actions, activation="softmax")(x))
    return fit_classifier(model, videos, actions, steps, batch_size, seed)


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
