"""Do generated cartoon faces carry the tags they were asked for? Measured
with a tag classifier trained here on the procedural faces
(`tfgan_zoo.data.cartoon_faces`), the pattern of the shapes attribute
classifier (`faithfulness`).

The classifier reads a face and gives one logit per tag; its reading is
the most likely value of each one-of-k group (hair colour, eye colour) and
a yes/no for the other tags. It is a judge, not part of any GAN, so it
learns from every (hair colour, eye colour) pair, the held-out ones
included: half its faces come from the train part and half from the
held-out one, drawn with other seeds than the dataset's.

    clf = cached_tag_classifier(32)
    scores = tag_accuracy(read_tags(clf, images), tags)   # per tag group
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np
from keras import layers

from tfgan_zoo.data import cartoon_faces as faces
from tfgan_zoo.evaluation.classifiers import cache_root
from tfgan_zoo.evaluation.faithfulness import conv_features
from tfgan_zoo.files import write_atomic

NAME = "cartoon-tags-cnn"
_VERSION = 1
_SEED = 101  # faces the classifier learns from; the dataset's parts use others


def tag_classifier(size, width=32):
    """Image [size, size, 3] in [-1, 1] -> one logit per tag."""
    image = keras.Input((size, size, 3), name="image")
    x = conv_features(image, width, 128)
    return keras.Model(image, layers.Dense(len(faces.TAGS), name="tags")(x),
                       name=f"{NAME}-{size}")


def _scaled(images):
    return np.asarray(images, np.float32) / 127.5 - 1.0


def tags_from_logits(logits):
    """Tag vectors float32 [N, len(TAGS)] from tag logits: the likeliest tag
    of each exclusive group, and each yes/no tag where its logit is > 0."""
    logits = np.asarray(logits)
    read = np.zeros_like(logits, dtype=np.float32)
    for size, (start, stop) in zip(faces.TAG_GROUPS, faces.group_slices()):
        if size > 1:
            read[np.arange(len(read)), start + logits[:, start:stop].argmax(1)] = 1.0
        else:
            read[:, start] = logits[:, start] > 0
    return read


def read_tags(classifier, images, batch_size=256):
    """Tag vectors float32 [N, len(TAGS)] read from images in [-1, 1]."""
    return tags_from_logits(classifier.predict(np.asarray(images, np.float32),
                                               batch_size=batch_size, verbose=0))


def tag_features(classifier, images, batch_size=256):
    """The classifier's 128-d penultimate features of images in [-1, 1]
    (for a Fréchet distance between faces, fd[tags])."""
    body = keras.Model(classifier.input, classifier.layers[-2].output)
    return body.predict(np.asarray(images, np.float32), batch_size=batch_size, verbose=0)


def tag_accuracy(read, target):
    """Per tag group, the fraction of images read as their target tags, and
    `all`: every tag right."""
    read, target = np.asarray(read) > 0.5, np.asarray(target) > 0.5
    scores, every = {}, np.ones(len(read), bool)
    for name, (start, stop) in zip(faces.GROUP_NAMES, faces.group_slices()):
        right = (read[:, start:stop] == target[:, start:stop]).all(1)
        scores[name] = float(right.mean())
        every &= right
    scores["all"] = float(every.mean())
    return scores


def train_tag_classifier(size, num_faces=8000, epochs=4, batch_size=64, seed=0):
    """A tag classifier for faces of `size` px, trained from scratch, and
    its accuracy per group on the dataset's own test and held-out faces."""
    keras.utils.set_random_seed(seed)
    parts = [faces.generate(num_faces // 2, size, part, _SEED) for part in ("train", "heldout")]
    images = np.concatenate([p[0] for p in parts])
    tags = np.concatenate([p[1] for p in parts])
    model = tag_classifier(size)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit(_scaled(images), tags, batch_size=batch_size, epochs=epochs, shuffle=True,
              verbose=0)
    accuracy = {}
    for part in ("test", "heldout"):
        images, tags = faces.generate(500, size, part)
        accuracy[part] = tag_accuracy(read_tags(model, _scaled(images)), tags)
    return model, accuracy


def cached_tag_classifier(size, folder=None):
    """The tag classifier for `size` px faces, trained on first use and then
    loaded from `folder` (default $TFGAN_ZOO_CACHE/classifiers). Its
    accuracy on real faces is in `.accuracy`."""
    folder = Path(folder or cache_root() / "classifiers")
    weights = folder / f"{NAME}-{size}-v{_VERSION}.weights.h5"
    meta = weights.with_suffix("").with_suffix(".json")
    if weights.is_file() and meta.is_file():
        model = tag_classifier(size)
        model.load_weights(str(weights))
        model.accuracy = json.loads(meta.read_text())
        return model
    model, accuracy = train_tag_classifier(size)
    folder.mkdir(parents=True, exist_ok=True)
    # Atomic: a crash or a concurrent run never leaves a half file.
    tmp = folder / f".{os.getpid()}-{weights.name}"
    model.save_weights(str(tmp))
    os.replace(tmp, weights)
    write_atomic(meta, json.dumps(accuracy, indent=2).encode())
    model.accuracy = accuracy
    return model
