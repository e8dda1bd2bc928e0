"""A keypoint regressor for the procedural people (`tfgan_zoo.data.persons`),
and PCK: does a generated person stand in the pose that was asked for?

    regressor = load_keypoint_regressor()       # trains once (~1 min), cached
    points = regressor.predict(images)          # [N, 14, 2] pixel (x, y)
    pck(points, requested, 0.1)                 # fraction of keypoints close enough

The regressor is a small CNN trained on both renders of every training
pair (never on test renders or generated images). Weights are cached under
`$TFGAN_ZOO_CACHE/classifiers/` like the project's classifiers.
"""

from __future__ import annotations

import json
import os

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_zoo.data import persons
from tfgan_zoo.evaluation.classifiers import cache_root

NAME = "poses-keypoints"
_VERSION = 1


class KeypointRegressor:
    """[N, H, W, 3] images in [-1, 1] -> [N, 14, 2] keypoints (pixels)."""

    def __init__(self, network, shape, accuracy=None):
        self.network, self.shape, self.accuracy = network, shape, accuracy

    def predict(self, images, batch_size=256):
        images = np.asarray(images, np.float32)
        out = np.concatenate([self.network(tf.constant(images[i:i + batch_size]),
                                           training=False).numpy()
                              for i in range(0, len(images), batch_size)])
        scale = np.array([self.shape[1], self.shape[0]], np.float32)
        return out.reshape(len(images), persons.NUM_KEYPOINTS, 2) * scale


def _network(shape):
    init = lambda i: keras.initializers.GlorotUniform(seed=i)  # noqa: E731
    image = keras.Input(shape)
    x = image
    for i, width in enumerate((32, 32, 64, 64, 128)):
        x = layers.Conv2D(width, 3, strides=1 + i % 2, padding="same", activation="relu",
                          kernel_initializer=init(i))(x)
    x = layers.Dense(256, activation="relu", kernel_initializer=init(10))(layers.Flatten()(x))
    return keras.Model(image, layers.Dense(persons.NUM_KEYPOINTS * 2,
                                           kernel_initializer=init(11))(x))


def pck(predicted, truth, threshold=0.1):
    """PCK@threshold: the fraction of keypoints predicted within threshold x
    the person's size (the larger side of the true keypoints' box)."""
    predicted, truth = np.asarray(predicted), np.asarray(truth)
    size = (truth.max(axis=1) - truth.min(axis=1)).max(axis=1)
    distance = np.linalg.norm(predicted - truth, axis=-1)
    return float((distance <= threshold * size[:, None]).mean())


def load_keypoint_regressor(retrain=False, epochs=12):
    """The regressor, trained on first use on the training renders of
    `poses`, then loaded from the cache; `.accuracy` is its PCK@0.1 on the
    test renders."""
    shape = persons.POSE_SHAPE + (3,)
    network = _network(shape)
    folder = cache_root() / "classifiers"
    weights = folder / f"{NAME}-v{_VERSION}.weights.h5"
    meta = folder / f"{NAME}-v{_VERSION}.json"
    if weights.is_file() and meta.is_file() and not retrain:
        network.load_weights(weights)
        return KeypointRegressor(network, shape, json.loads(meta.read_text())["test_pck"])
    image_a, points_a, image_b, points_b, _ = persons.pose_pairs("train")
    images = np.concatenate([image_a, image_b]).astype(np.float32) / 127.5 - 1.0
    scale = np.array([shape[1], shape[0]], np.float32)
    targets = (np.concatenate([points_a, points_b]) / scale).reshape(len(images), -1)
    order = np.concatenate([np.random.default_rng(i).permutation(len(images))
                            for i in range(epochs)])
    network.compile(keras.optimizers.Adam(1e-3), "mse")
    network.fit(images[order], targets[order], batch_size=64, epochs=1, shuffle=False,
                verbose=0)
    regressor = KeypointRegressor(network, shape)
    test_a, test_points, _, _, _ = persons.pose_pairs("test")
    regressor.accuracy = pck(regressor.predict(test_a.astype(np.float32) / 127.5 - 1.0),
                             test_points)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{os.getpid()}-{NAME}.weights.h5"
    network.save_weights(tmp)
    os.replace(tmp, weights)
    tmp_meta = folder / f".{os.getpid()}-{NAME}.json"
    tmp_meta.write_text(json.dumps({"test_pck": regressor.accuracy, "epochs": epochs}))
    os.replace(tmp_meta, meta)
    return regressor
