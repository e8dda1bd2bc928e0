"""EMA of a label-conditioned generator: the averaged copy is a Keras clone,
so the one-hot label layer must clone in Keras' safe mode (a Python Lambda
does not), and the copy must read labels as the generator does."""

import numpy as np
import tensorflow as tf

from tests.support.models import build


def test_cgan_ema_generator_clones_and_follows_labels():
    model = build("cgan", ema_decay=0.9)
    z = tf.constant(np.random.default_rng(0).standard_normal((4, 8)), tf.float32)
    labels = tf.constant([0, 3, 3, 9], tf.int32)
    assert model.inference_generator() is not model.generator
    # It starts equal to the generator, so it draws the same images.
    live = model.generator([z, labels], training=False)
    np.testing.assert_allclose(model.generate(z, labels).numpy(), live.numpy(), atol=1e-6)
