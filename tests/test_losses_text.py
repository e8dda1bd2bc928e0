"""tfgan_zoo.losses, text-to-image: the matching-aware and semantic-synthesis
discriminator losses, TAC-GAN's auxiliary classifier, and the text
encoder's joint-embedding and contrast losses, against hand values."""

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses


def _softplus(x):
    return np.log1p(np.exp(x))


def test_text_gan_losses_by_hand():
    right, wrong, fake = tf.constant([2.0, -1.0]), tf.constant([0.5, 1.0]), tf.constant([-3.0, 0.0])
    mismatch = tf.constant([1.0, 0.0])
    # -log sigmoid(x) = softplus(-x); -log(1 - sigmoid(x)) = softplus(x)
    d = losses.matching_aware_discriminator_loss(right, wrong, fake, mismatch=mismatch)
    expected = np.mean([_softplus(-2) + 0.5 * (_softplus(0.5) + _softplus(-3)),
                        _softplus(1) + 0.5 * (0.0 + _softplus(0))])
    assert float(d) == pytest.approx(expected, rel=1e-5)
    d = losses.semantic_synthesis_discriminator_loss(right, wrong, fake, mismatch=mismatch)
    expected = np.mean([_softplus(-2) + _softplus(0.5) + _softplus(-3),
                        _softplus(1) + 0.0 + _softplus(0)])
    assert float(d) == pytest.approx(expected, rel=1e-5)


def test_auxiliary_classifier_loss_by_hand():
    """TAC-GAN's classifier loss: each head's cross-entropy, summed over the
    heads; a -1 label (no second object) costs nothing."""
    logits = np.array([[2.0, 0.0, 1.0, -1.0, 0.5], [0.0, 1.0, 0.0, 0.0, 3.0]], "float32")
    labels = np.array([[0, 2], [1, -1]], "int32")

    def xent(row, label):
        return np.log(np.exp(row).sum()) - row[label]

    expected = np.mean([xent(logits[0, :2], 0) + xent(logits[0, 2:], 2),
                        xent(logits[1, :2], 1)])
    loss = losses.auxiliary_classifier_loss(logits, labels, (2, 3))
    assert float(loss) == pytest.approx(expected, rel=1e-5)


def test_joint_embedding_loss_by_hand():
    image = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    text = tf.constant([[2.0, 0.0], [0.1, 0.5], [0.0, 0.0]])
    # scores[i, t] = [[2, .1, 0], [0, .5, 0], [2, .6, 0]], right = [2, .5, 0].
    # Examples 0 and 2 share a class: only pairs with example 1 are negatives.
    loss, hit = losses.joint_embedding_loss(image, text, tf.constant([0, 1, 0]))
    image_term = [0.0, (1 + 0 - .5) + (1 + 0 - .5), 1 + .6 - 0]      # [0, 1, 1.6]
    text_term = [0.0, (1 + .1 - .5) + (1 + .6 - .5), 1 + 0 - 0]      # [0, 1.7, 1]
    expected = np.mean([(i + t) / 2 for i, t in zip(image_term, text_term)])
    assert float(loss) == pytest.approx(expected) == pytest.approx(0.88333333)
    # Best image per caption: 0 (class 0, right), 2 (class 0, wrong), 0 (right).
    assert float(hit) == pytest.approx(2 / 3)


def test_contrast_loss_by_hand():
    image = tf.constant([[1.0, 0.0], [0.0, 2.0]])
    text = tf.constant([[2.0, 0.0], [0.0, 1.0]])      # right scores 2, 2
    contrast = tf.constant([[1.5, 5.0], [0.0, 2.0]])  # contrast scores 1.5, 4
    loss, won = losses.contrast_loss(image, text, contrast)
    assert float(loss) == pytest.approx(((1 + 1.5 - 2) + (1 + 4 - 2)) / 2)
    assert float(won) == pytest.approx(0.5)
