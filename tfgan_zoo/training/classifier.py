"""Supervised classifiers on labelled digit domains, for the domain family:
the source classifier that ADDA and DTN start from (their first phase),
and the source-only and target-oracle rows of every adaptation table.

A classifier is a model's own (encoder, head) pair of networks, trained
on the pooled training splits of the given domains with softmax
cross-entropy. `save_classifier` writes

    DIR/classifier.json         what it is: the model and its hyperparameters,
                                domains, steps, and its accuracy on the
                                domains' test splits
    DIR/classifier.weights.npz  the encoder's and head's weights, in order

and `restore_classifier` puts those weights into a model's networks of the
same architecture.

`fit_classifier(..., adversarial=EPS)` (a project option, not the papers')
trains it adversarially: each batch joined by its perturbation within EPS
that most raises the loss (`adversarial_images`; Goodfellow et al. 2015's
objective with alpha = 0.5). DTN's G = g o f draws what f reads, and g
learns shapes an f with blind spots takes for the source digit. Measured
on DTN's f (2026-12-07): eps 0.3 trains (syndigits 0.95-0.99) but reads
mnist at 0.43-0.62 against 0.75, and G(x) falls; from scratch at eps 0.1 f never
leaves the initial chance plateau (2 seeds). There is no eps ramp.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo.augment import parse_shape_policy, shape_augment
from tfgan_zoo.checks import check_number
from tfgan_zoo.data.digit_domains import domain_images
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import write_atomic

INFO_FILE = "classifier.json"
WEIGHTS_FILE = "classifier.weights.npz"


def accuracy(encoder, head, images, labels, batch_size=256):
    """Fraction of `images` (float32 in [-1, 1]) that head(encoder(x))
    classifies as `labels`."""
    predicted = np.concatenate([
        head(encoder(tf.constant(images[i:i + batch_size]), training=False),
             training=False).numpy().argmax(-1)
        for i in range(0, len(images), batch_size)])
    return float((predicted == np.asarray(labels)).mean())


def domain_accuracy(encoder, head, domain, split="test"):
    """Accuracy of the classifier on a domain's labelled split, resized to
    the encoder's input shape. The one place that reads target labels."""
    shape = tuple(int(s) for s in encoder.inputs[0].shape[1:])
    images, labels = domain_images(domain, split, shape)
    return accuracy(encoder, head, images, labels)


# The largest perturbation allowed: half the images' [-1, 1] range; beyond
# it a background pixel can be pushed past mid-grey, i.e. strokes drawn.
MAX_ADVERSARIAL = 1.0


def check_adversarial(eps, steps=1):
    """(eps, steps) checked: 0 <= eps <= MAX_ADVERSARIAL, steps >= 1;
    else a one-line UserError naming the flag."""
    eps = float(check_number("source_adversarial", eps, 0, MAX_ADVERSARIAL))
    steps = check_number("source_adversarial_steps", steps, 1, what="a whole number")
    if steps != int(steps):
        raise UserError(f"--source-adversarial-steps must be a whole number >= 1, "
                        f"got {steps!r}")
    return eps, int(steps)


def adversarial_images(classify, images, labels, eps, steps=1, seed=None):
    """The perturbation of `images` (float32 in [-1, 1]) within the L-inf
    ball of radius `eps` that raises the cross-entropy of
    `classify(images)` (logits) against `labels`, clipped to [-1, 1].

    steps = 1 is FGSM (Goodfellow et al. 2015, eq. 3):
        x + eps * sign(grad_x J(x, y));
    steps > 1 is PGD (Madry et al. 2018): a uniform random start in the
    ball (`seed`, a stateless pair), then `steps` such signed steps of
    2.5 eps / steps (their step-size rule: the walk can cross the ball),
    each projected back onto the ball and the image range. No gradient
    flows through the result."""
    images = tf.convert_to_tensor(images, tf.float32)
    low, high = tf.maximum(images - eps, -1.0), tf.minimum(images + eps, 1.0)
    adversarial, size = images, eps
    if steps > 1:
        adversarial = images + tf.random.stateless_uniform(
            tf.shape(images), seed, -eps, eps)
        size = 2.5 * eps / steps
    for _ in range(steps):
        with tf.GradientTape() as tape:
            tape.watch(adversarial)
            loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
                tf.cast(labels, tf.int32), tf.cast(classify(adversarial), tf.float32)))
        adversarial = adversarial + size * tf.sign(tape.gradient(loss, adversarial))
        adversarial = tf.clip_by_value(adversarial, low, high)
    return tf.stop_gradient(adversarial)


class _Stack(keras.Sequential):
    """head(encoder(x)); with `adversarial` > 0 each training batch is
    joined by its `adversarial_images` (crafted against the networks in
    inference mode, as f is used), so the mean loss is Goodfellow et al.'s
    0.5 J(x) + 0.5 J(x_adv)."""

    def __init__(self, networks, adversarial=0.0, adversarial_steps=1, seed=0):
        super().__init__(networks, name="classifier")
        self.adversarial, self.adversarial_steps = adversarial, adversarial_steps
        self.seed = seed
        # PGD's random starts: a stateless seed per batch.
        self.batches = keras.Variable(0, dtype="int32", trainable=False) if adversarial else None

    def train_step(self, data):
        if self.adversarial:
            images, labels = data
            self.batches.assign_add(1)
            crafted = adversarial_images(lambda x: self(x, training=False), images, labels,
                                         self.adversarial, self.adversarial_steps,
                                         tf.stack([self.batches.value, self.seed]))
            data = (tf.concat([images, crafted], 0), tf.concat([labels, labels], 0))
        return super().train_step(data)


def fit_classifier(encoder, head, domains, *, steps, batch_size, optimizer, seed=0,
                   augment=None, adversarial=0.0, adversarial_steps=1):
    """Train head(encoder(x)) on the pooled training splits of `domains`
    for `steps` minibatches (shuffled with `seed`), each batch transformed
    by the `augment` policy (`tfgan_zoo.augment.shape_augment`, e.g.
    'grey,invert,affine,stroke'; none by default) and, with `adversarial`
    = eps > 0, joined by its `adversarial_images` (FGSM, or PGD with
    `adversarial_steps` > 1); returns the networks."""
    parse_shape_policy(augment)
    adversarial, adversarial_steps = check_adversarial(adversarial, adversarial_steps)
    shape = tuple(int(s) for s in encoder.inputs[0].shape[1:])
    parts = [domain_images(name, "train", shape) for name in domains]
    images = np.concatenate([x for x, _ in parts])
    labels = np.concatenate([y for _, y in parts])
    stack = _Stack([encoder, head], adversarial, adversarial_steps, seed)
    stack.compile(optimizer=optimizer,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    data = (tf.data.Dataset.from_tensor_slices((images, labels))
            .shuffle(len(images), seed=seed).repeat().batch(batch_size, drop_remainder=True))
    if augment:
        data = tf.data.Dataset.zip((data, tf.data.Dataset.counter())).map(
            lambda batch, step: (shape_augment(batch[0], augment, tf.stack(
                [tf.cast(step, tf.int32), seed])), batch[1]))
    stack.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return encoder, head


def save_classifier(directory, encoder, head, info):
    """Write the weights and `info` (JSON) of a trained classifier."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    weights = encoder.get_weights() + head.get_weights()
    with open(directory / WEIGHTS_FILE, "wb") as f:
        np.savez(f, *weights)
    write_atomic(directory / INFO_FILE, json.dumps(info, indent=2).encode())


def classifier_info(directory):
    """The JSON of a saved classifier, or None where there is none."""
    path = Path(directory) / INFO_FILE
    if not path.is_file() or not (Path(directory) / WEIGHTS_FILE).is_file():
        return None
    return json.loads(path.read_text())


def restore_classifier(directory, encoder, head, expected):
    """Load a saved classifier into (encoder, head); every key of `expected`
    (architecture hyperparameters) must match what it was trained with."""
    info = classifier_info(directory)
    if info is None:
        raise UserError(f"{directory} holds no trained source classifier: pass the "
                        "directory the recipe's first phase wrote (OUT/source)")
    saved = json.loads(json.dumps(info.get("architecture", {})))
    changed = [k for k in expected if json.loads(json.dumps(expected[k])) != saved.get(k)]
    if changed:
        raise UserError(f"the source classifier in {directory} was trained with a "
                        f"different {', '.join(changed)}: pass the same settings or "
                        "retrain it")
    with np.load(Path(directory) / WEIGHTS_FILE) as saved_weights:
        weights = [saved_weights[f"arr_{i}"] for i in range(len(saved_weights.files))]
    count = len(encoder.get_weights())
    encoder.set_weights(weights[:count])
    head.set_weights(weights[count:])
    return info
