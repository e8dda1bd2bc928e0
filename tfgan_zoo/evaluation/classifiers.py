"""Small CNN classifiers trained on the project's embedded datasets.

The FID Inception net has no classification head, so class-aware scores use
classifiers trained here instead, and every number carries the classifier's
name: `score[mnist-cnn]`, `fd[mnist-cnn]` -- never "Inception Score".

    clf = load_classifier("mnist-cnn")        # trains once (~20 s), then cached
    logits = clf.predict_logits(images)       # images float NHWC in [-1, 1]
    feats = clf.features(images)              # penultimate layer, [N, 128]

Images of another size or with RGB channels are adapted first (BT.601 luma,
then bilinear resize with antialiasing) to the classifier's input shape.
Training is deterministic (seeded initialisers, a fixed shuffle) and never
touches the global random seeds. Weights are cached in
`$TFGAN_ZOO_CACHE/classifiers/` (default ~/.cache/tfgan_zoo) with a JSON file
holding the held-out accuracy and the weights' SHA-256.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import tensorflow as tf
import keras
from keras import layers

from tfgan_zoo.data import digits, figures, heads, openmoji
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import cache_root, read_json, write_json_atomic, writing
from tfgan_zoo.evaluation.inception import file_sha256

_VERSION = 1  # bump when an architecture or training schedule changes


def _mnist5k():
    x, y = digits.mnist5k_arrays()
    return x.astype(np.float32) / 127.5 - 1.0, y.astype(np.int64)


def _digits():
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = digits.images[..., None].astype(np.float32) / 8.0 - 1.0  # values 0..16
    return x, digits.target.astype(np.int64)


def _fashion_mnist():
    """Fashion-MNIST's 60,000 training garments (Debian `dataset-fashion-mnist`;
    its loader's one-line error names the package when it is missing)."""
    source = digits.load_fashion_mnist_local(None, split="train", data_dir=None,
                                             image_size=None)
    return source.images.astype(np.float32) / 127.5 - 1.0, source.labels.astype(np.int64)


def _products():
    """The clean products of the lookbook training pairs (Fashion-MNIST's
    training garments, tinted, on white) and their classes."""
    _, products, classes = figures.lookbook_arrays("train")
    return products.astype(np.float32) / 127.5 - 1.0, classes.astype(np.int64)


def _catalogue():
    """All 60,000 of Fashion-MNIST's training items drawn as products
    (`figures.product`: tinted a random saturated colour, seeded, on white)
    and their classes: a products reader trained on six times the lookbook
    training products, still never on the test split or on a converter's
    output."""
    items, classes = figures.fashion_arrays("train")
    rng = np.random.default_rng(70)
    products = np.stack([figures.product(item, figures.garment_colour(rng)) for item in items])
    return products.astype(np.float32) / 127.5 - 1.0, classes.astype(np.int64)


def _heads(target):
    """Every view of the heads source's 160 training identities (32 px) and
    its pose bin or identity: the face-rotation judges, which never see a
    held-out (heads:test) identity."""
    images, labels = heads.generate(heads.DEFAULT_IDENTITIES["train"], 32, "train")
    identity, pose = heads.split_label(labels)
    return (images.astype(np.float32) / 127.5 - 1.0,
            (pose if target == "pose" else identity).astype(np.int64))


def _aged(target):
    """The heads source's 160 training identities at 4 age groups (frontal,
    32 px) and each image's age group or skin-tone bin: the face-aging
    judges (no held-out identity)."""
    images, labels = heads.generate_aged(heads.DEFAULT_IDENTITIES["train"], 32, "train")
    groups = len(heads.AGE_GROUPS)
    target = (labels % groups if target == "age" else
              np.array([heads.skin_tone(i) for i in labels // groups]))
    return images.astype(np.float32) / 127.5 - 1.0, target.astype(np.int64)


def _openmoji(target):
    """2,400 images of OpenMoji's male and female people (openmoji_faces'
    train part, 32 px) and each one's age group or skin tone: the face-aging
    judges for that source (the neutral test identities are never seen)."""
    images, _, tags = openmoji.generate(openmoji.DEFAULT_COUNT["train"], 32, "train")
    return images.astype(np.float32) / 127.5 - 1.0, tags[target].astype(np.int64)


@dataclass(frozen=True)
class ClassifierSpec:
    dataset: str
    load: object
    input_shape: tuple
    widths: tuple          # conv filters; every second conv has stride 2
    epochs: int
    holdout: int           # last samples of a fixed permutation (seed 0), for accuracy
    num_classes: int = 10


CLASSIFIERS = {
    "mnist-cnn": ClassifierSpec("mnist5k", _mnist5k, (28, 28, 1), (32, 32, 64, 64), 8, 500),
    "digits-cnn": ClassifierSpec("digits", _digits, (8, 8, 1), (32, 64), 30, 180),
    # Three epochs: 55,000 garments a pass, 12 times mnist-cnn's 4,500.
    "fashion-cnn": ClassifierSpec("fashion_mnist_local", _fashion_mnist, (28, 28, 1),
                                  (32, 32, 64, 64), 3, 5000),
    # Reads 0.847 on the lookbook test products, which caps PixelDTGAN's check
    # near there; kept as it is so that the figures read with it reproduce.
    "products-cnn": ClassifierSpec("lookbook", _products, (32, 32, 3), (32, 32, 64, 64), 6,
                                   1000),
    # Six times the products, twice the epochs: 0.897 on its 5,000 held out,
    # 0.903 on the lookbook test products (weights 179623cd17ee, float32, 9.2
    # CPU-min on the Xeon, 2026-12-07).
    "catalogue-cnn": ClassifierSpec("fashion_products", _catalogue, (32, 32, 3),
                                    (32, 32, 64, 64), 12, 5000),
    "heads-pose-cnn": ClassifierSpec("heads", lambda: _heads("pose"), (32, 32, 3),
                                     (32, 32, 64, 64), 10, 300, heads.NUM_POSES),
    "heads-id-cnn": ClassifierSpec("heads", lambda: _heads("identity"), (32, 32, 3),
                                   (32, 32, 64, 64), 25, 300,
                                   heads.DEFAULT_IDENTITIES["train"]),
    "heads-age-cnn": ClassifierSpec("heads_aged", lambda: _aged("age"), (32, 32, 3),
                                    (32, 32, 64, 64), 15, 100, len(heads.AGE_GROUPS)),
    "heads-skin-cnn": ClassifierSpec("heads_aged", lambda: _aged("skin"), (32, 32, 3),
                                     (32, 32, 64, 64), 15, 100, 3),
    "openmoji-age-cnn": ClassifierSpec("openmoji_faces", lambda: _openmoji("age"), (32, 32, 3),
                                       (32, 32, 64, 64), 15, 300, len(openmoji.AGE_GROUPS)),
    "openmoji-skin-cnn": ClassifierSpec("openmoji_faces", lambda: _openmoji("tone"),
                                        (32, 32, 3), (32, 32, 64, 64), 15, 300,
                                        len(openmoji.SKIN_TONES)),
}


class ProjectClassifier(keras.Model):
    """A CNN whose 128-d penultimate layer gives features and whose last
    layer gives class logits. Inputs: float NHWC in [-1, 1]."""

    def __init__(self, classifier_name, input_shape, widths, num_classes=10, **kwargs):
        super().__init__(name=classifier_name.replace("-", "_"), **kwargs)
        self.classifier_name, self.image_shape = classifier_name, tuple(input_shape)
        init = lambda i: keras.initializers.GlorotUniform(seed=i)  # noqa: E731
        self.body = keras.Sequential(
            [keras.Input(self.image_shape)]
            + [layers.Conv2D(w, 3, strides=1 + i % 2, padding="same", activation="relu",
                             kernel_initializer=init(i)) for i, w in enumerate(widths)]
            + [layers.Flatten(),
               layers.Dense(128, activation="relu", kernel_initializer=init(90),
                            name="penultimate")])
        self.dropout = layers.Dropout(0.3, seed=91)
        self.head = layers.Dense(num_classes, kernel_initializer=init(92))
        self.sha256 = None
        self.accuracy = None

    def call(self, images, training=False):
        return self.head(self.dropout(self.body(images, training=training),
                                      training=training))

    def prepare(self, images) -> np.ndarray:
        """Adapt images in [-1, 1] to the classifier's shape."""
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or images.shape[-1] not in (1, 3):
            raise UserError(f"expected NHWC images with 1 or 3 channels, got shape "
                            f"{images.shape}")
        if images.shape[-1] == 3 and self.image_shape[-1] == 1:
            images = images @ np.array([[0.299], [0.587], [0.114]], np.float32)
        if images.shape[1:3] != self.image_shape[:2]:
            images = tf.image.resize(images, self.image_shape[:2], "bilinear",
                                     antialias=True).numpy()
        return images

    def _batched(self, fn, images, batch_size):
        images = self.prepare(images)
        return np.concatenate([fn(tf.constant(images[i:i + batch_size])).numpy()
                               for i in range(0, len(images), batch_size)]
                              or [np.zeros((0, 0), np.float32)])

    def predict_logits(self, images, batch_size=256) -> np.ndarray:
        return self._batched(lambda x: self(x, training=False), images, batch_size)

    def features(self, images, batch_size=256) -> np.ndarray:
        return self._batched(lambda x: self.body(x, training=False), images, batch_size)

    def protocol(self) -> dict:
        return {"classifier": self.classifier_name,
                "trained_on": CLASSIFIERS[self.classifier_name].dataset,
                "heldout_accuracy": self.accuracy,
                "weights_sha256": (self.sha256 or "")[:12],
                "input": f"{self.image_shape} in [-1,1]; BT.601 luma, bilinear "
                         "antialiased resize if needed"}


class _Batches(keras.utils.PyDataset):
    """The batches of x[order], y[order] gathered one at a time: the same
    batches as fitting on the gathered arrays, without holding every epoch's
    copy (10 epochs of 55,000 products would be 6.8 GB)."""

    def __init__(self, x, y, order, batch_size):
        super().__init__()
        self.x, self.y, self.order, self.batch_size = x, y, order, batch_size

    def __len__(self):
        return (len(self.order) + self.batch_size - 1) // self.batch_size

    def __getitem__(self, index):
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[chosen], self.y[chosen]


def _train(model, spec):
    x, y = spec.load()
    order = np.random.default_rng(0).permutation(len(x))
    train, held = order[:-spec.holdout], order[-spec.holdout:]
    rng = np.random.default_rng(1)  # a fixed shuffle, not the global seed
    epochs = np.concatenate([rng.permutation(train) for _ in range(spec.epochs)])
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(_Batches(x, y, epochs, 64), epochs=1, shuffle=False, verbose=0)
    predictions = model.predict_logits(x[held]).argmax(axis=1)
    return float((predictions == y[held]).mean())


def load_classifier(name, retrain=False) -> ProjectClassifier:
    """The classifier `name` (see CLASSIFIERS), trained on first use and then
    loaded from the cache. Its `.protocol()` says what it is."""
    if name not in CLASSIFIERS:
        raise UserError(f"unknown classifier {name!r}; choose from "
                        f"{', '.join(sorted(CLASSIFIERS))}")
    spec = CLASSIFIERS[name]
    model = ProjectClassifier(name, spec.input_shape, spec.widths, spec.num_classes)
    model(np.zeros((1,) + spec.input_shape, np.float32))
    folder = cache_root() / "classifiers"
    weights, meta = folder / f"{name}-v{_VERSION}.weights.h5", folder / f"{name}-v{_VERSION}.json"
    if weights.is_file() and meta.is_file() and not retrain:
        fix = "delete it (the classifier is retrained on next use)"
        try:
            model.load_weights(weights)
        except (OSError, ValueError, KeyError) as e:
            raise UserError(f"cached classifier {weights} does not read "
                            f"({type(e).__name__}): {fix}") from None
        accuracy = read_json(meta, "cached classifier description", fix).get(
            "heldout_accuracy")
        if not isinstance(accuracy, (int, float)):
            raise UserError(f"cached classifier description {meta} is damaged (no "
                            f"heldout_accuracy): {fix}")
        model.accuracy = accuracy
    else:
        model.accuracy = _train(model, spec)
        # Atomic: a crash or a concurrent run never leaves a half file.
        tmp = folder / f".{os.getpid()}-{name}.weights.h5"
        with writing(weights, "the cached classifier"):
            folder.mkdir(parents=True, exist_ok=True)
            model.save_weights(tmp)
            os.replace(tmp, weights)
        write_json_atomic(meta, {"heldout_accuracy": model.accuracy, "dataset": spec.dataset},
                          "the cached classifier description")
    model.sha256 = file_sha256(weights)
    return model
