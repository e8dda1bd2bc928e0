"""The trained text encoder (tfgan_zoo.text.encoder): the joint embedding
learns on a tiny batch, and trains with the shapes' contrast captions."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.data import load_dataset, shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.text import encoder, tokenizer


def test_joint_embedding_trains_with_contrast_captions():
    """With `contrast`, a step reads contrast_tokens and tracks how often the
    image's own caption beats the contrast caption; without them, a clear
    error."""
    keras.utils.set_random_seed(0)
    data = load_dataset("shapes_captions:32", batch_size=16, image_size=16, shuffle=False)
    model = encoder.JointEmbedding(image_shape=(16, 16, 3), vocabulary=shapes.VOCABULARY,
                                   word_dim=4, text_hidden=4, embedding_dim=4,
                                   image_width=4, contrast=True, seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    logs = model.fit(data.dataset.take(2), epochs=1, verbose=0, shuffle=False).history
    assert set(logs) == {"loss", "retrieval", "contrast"}
    assert np.isfinite(logs["loss"][0]) and 0 <= logs["contrast"][0] <= 1
    images, features = next(iter(data.dataset))
    del features["contrast_tokens"]
    with pytest.raises(UserError, match="contrast_tokens"):
        model.train_step((images, features))


def test_text_encoder_loss_decreases_on_a_tiny_batch():
    keras.utils.set_random_seed(0)
    data = shapes.generate(16, 16, 1, "train")
    tokens = tokenizer.tokenize(data.captions[:, 0], shapes.VOCABULARY, shapes.MAX_LENGTH)
    images = tf.constant(data.images / 127.5 - 1, tf.float32)
    model = encoder.JointEmbedding(image_shape=(16, 16, 3), vocabulary=shapes.VOCABULARY,
                                   word_dim=8, text_hidden=8, embedding_dim=8, image_width=8)
    optimizer = keras.optimizers.Adam(3e-3)
    classes = tf.constant(data.classes)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss, _ = losses.joint_embedding_loss(*model((images, tokens), training=True),
                                                  classes)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    model.build_networks()
    optimizer.build(model.trainable_variables)
    values = [float(step()) for _ in range(30)]
    assert values[-1] < 0.5 * values[0], values
