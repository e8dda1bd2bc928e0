"""A text encoder trained inside the project.

Pretrained char-CNN-RNN embeddings (Reed et al. 2016) cannot be downloaded
here, so the text-to-image recipes first train their own:

- **Tokenization in the graph** (`tfgan_zoo.text.tokenizer`), so an
  exported model takes a plain string.
- **Architecture.** Word embeddings -> bidirectional GRU -> linear
  projection: the word-level recurrent encoder of Reed et al. 2016
  ("Learning Deep Representations of Fine-Grained Visual Descriptions").
- **Loss.** Their deep symmetric structured joint embedding (DS-SJE, eqs.
  3-5), on the recipe's own image-caption pairs, with a small CNN image
  encoder trained jointly (no pretrained GoogLeNet here). Where the dataset
  brings contrast captions (`contrast_tokens`: the shapes scenes with two
  objects swapped or one attribute changed), each image also ranks its own
  caption above one of them: the same hinge, with a negative that in-batch
  sampling almost never supplies ("A above B" against "B above A").

    python -m tfgan_zoo.recipes.stackgan     # phase 1 trains it
    enc = load_text_encoder("runs/stackgan/encoder")

A trained encoder is a directory: `encoder.json` (vocabulary and sizes),
`text_encoder.weights.h5`, and its training run's `checkpoints/`.
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf
import keras
from keras import layers

from tfgan_zoo import devices
from tfgan_zoo.core import replica_seed
from tfgan_zoo.errors import UserError
from tfgan_zoo.files import read_json
from tfgan_zoo.losses import contrast_loss, joint_embedding_loss
from tfgan_zoo.text.tokenizer import make_vectorizer

CONFIG_FILE = "encoder.json"
WEIGHTS_FILE = "text_encoder.weights.h5"
# The encoder's own sizes; GAN models take the same keyword arguments.
ENCODER_ARGS = ("vocabulary", "max_length", "word_dim", "text_hidden", "embedding_dim")


# ----------------------------------------------------------------- networks
def text_encoder(vocabulary_size, max_length, word_dim=64, hidden=128,
                 embedding_dim=128, name="text_encoder"):
    """Word ids -> embedding. The bidirectional GRU reads the caption both
    ways; padding is masked, so the final states are those of the last word.
    The embedding is scaled to norm sqrt(embedding_dim) (unit variance per
    dimension): the joint-embedding loss fixes no scale, and a GAN's
    conditioning augmentation adds unit-variance noise to what it reads."""
    devices.take_onednn_bool_notice()  # the mask's first graph would print it
    ids = keras.Input((max_length,), dtype="int32", name="tokens")
    x = layers.Embedding(vocabulary_size, word_dim, mask_zero=True, name="words")(ids)
    x = layers.Bidirectional(layers.GRU(hidden), name="bigru")(x)
    x = layers.Dense(embedding_dim, dtype="float32", name="project")(x)
    x = layers.UnitNormalization(dtype="float32")(x)
    out = layers.Rescaling(float(embedding_dim) ** 0.5, dtype="float32", name="scale")(x)
    return keras.Model(ids, out, name=name)


def image_encoder(image_shape, embedding_dim=128, width=32, name="image_encoder"):
    """A small CNN standing in for Reed et al.'s GoogLeNet features: strided
    convolutions down to 4x4, then a linear projection."""
    image = keras.Input(image_shape, name="image")
    # No biases before leaky ReLU: grappler's conv+bias+activation fusion
    # fails on that pattern's gradient ("remapper failed") and says so.
    x = layers.Conv2D(width, 3, padding="same", use_bias=False)(image)
    x = layers.LeakyReLU(0.2)(x)
    size, w = image_shape[0], width
    while size > 4:
        w = min(w * 2, 8 * width)
        x = layers.Conv2D(w, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.LeakyReLU(0.2)(x)
        size //= 2
    x = layers.Flatten()(x)
    out = layers.Dense(embedding_dim, dtype="float32", name="project")(x)
    return keras.Model(image, out, name=name)


def choose_captions(tokens, seed):
    """One caption per example from tokens [B, K, L] -> [B, L], uniformly
    (StackGAN and GAN-INT-CLS draw a caption per image at every step)."""
    k = tf.random.stateless_uniform(tf.shape(tokens)[:1], seed, 0, tf.shape(tokens)[1],
                                    dtype=tf.int32)
    return tf.gather(tokens, k, batch_dims=1)


@keras.saving.register_keras_serializable("tfgan_zoo")
class JointEmbedding(keras.Model):
    """The text and image encoders trained together with the DS-SJE loss
    (plus `contrast_loss` when `contrast`: batches then carry
    `contrast_tokens`)."""

    def __init__(self, *, image_shape, vocabulary, max_length=16, word_dim=64,
                 text_hidden=128, embedding_dim=128, image_width=32, margin=1.0,
                 contrast=False, seed=None, name="joint_embedding", **kwargs):
        super().__init__(name=name, **kwargs)
        self.vocabulary = tuple(vocabulary)
        self.max_length, self.margin = int(max_length), float(margin)
        self.contrast = bool(contrast)
        self.text_encoder = text_encoder(len(self.vocabulary) + 2, self.max_length,
                                         word_dim, text_hidden, embedding_dim)
        self.image_encoder = image_encoder(tuple(image_shape), embedding_dim, image_width)
        self.noise_seed = keras.random.SeedGenerator(seed)
        names = ("loss", "retrieval") + (("contrast",) if self.contrast else ())
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}

    def call(self, inputs, training=False):
        images, tokens = inputs
        return (self.image_encoder(images, training=training),
                self.text_encoder(tokens, training=training))

    def build_networks(self):
        self((tf.zeros((2,) + tuple(self.image_encoder.input_shape[1:])),
              tf.ones((2, self.max_length), tf.int32)))
        self.built = True

    def next_seed(self):
        return replica_seed(self.noise_seed)

    def train_step(self, data):
        images, features = data
        tokens = choose_captions(features["tokens"], self.next_seed())
        if self.contrast:
            if "contrast_tokens" not in features:
                raise UserError("contrast=True needs batches with contrast_tokens "
                                "(the shapes_captions dataset has them)")
            others = choose_captions(features["contrast_tokens"], self.next_seed())
            tokens = tf.concat([tokens, others], 0)  # one text encoder pass for both
        with tf.GradientTape() as tape:
            image_emb, text_emb = self((images, tokens), training=True)
            if self.contrast:
                text_emb, contrast_emb = tf.split(text_emb, 2)
            loss, retrieval = joint_embedding_loss(
                image_emb, text_emb, features["class"], margin=self.margin)
            values = {"retrieval": retrieval}
            if self.contrast:
                extra, values["contrast"] = contrast_loss(
                    image_emb, text_emb, contrast_emb, margin=self.margin)
                loss += extra
        variables = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        for name, value in {"loss": loss, **values}.items():
            self.trackers[name].update_state(value * replicas)
        return {k: tf.reshape(t.result(), [1]) for k, t in self.trackers.items()}

    @property
    def metrics(self):
        return list(self.trackers.values())


# -------------------------------------------------------- save and load
def encoder_config(path):
    """The `encoder.json` of a trained encoder directory, checked."""
    path = Path(path)
    if not (path / CONFIG_FILE).is_file() or not (path / WEIGHTS_FILE).is_file():
        raise UserError(f"{path} is not a trained text encoder (no {CONFIG_FILE} and "
                        f"{WEIGHTS_FILE}): pass the encoder directory of a text-to-image "
                        "run, e.g. runs/stackgan/encoder")
    config = read_json(path / CONFIG_FILE, "text encoder description",
                       "re-run the recipe with the same --out to rewrite it, or pass "
                       "another encoder")
    missing = [k for k in ENCODER_ARGS if k not in config]
    if missing:
        raise UserError(f"text encoder description {path / CONFIG_FILE} is damaged (no "
                        f"{', '.join(missing)}): re-run the recipe with the same --out to "
                        "rewrite it, or pass another encoder")
    return config


def load_encoder_weights(network, path):
    """Load a trained encoder directory's weights into `network`; a damaged
    weights file is named, with the fix."""
    weights = Path(path) / WEIGHTS_FILE
    try:
        network.load_weights(str(weights))
    except (OSError, ValueError, KeyError) as e:
        raise UserError(f"text encoder weights {weights} do not read ({str(e)[:120]}): "
                        "delete them and re-run the recipe with the same --out to rewrite "
                        "them, or pass another encoder") from None


def model_args(path):
    """The keyword arguments a text-conditioned GAN needs to use the trained
    encoder at `path` (its vocabulary and sizes, and the path itself)."""
    config = encoder_config(path)
    return {**{k: config[k] for k in ENCODER_ARGS}, "text_encoder": str(Path(path).resolve())}


def load_text_encoder(path):
    """(vectorizer, text encoder network, config) of a trained encoder."""
    config = encoder_config(path)
    network = text_encoder(len(config["vocabulary"]) + 2, config["max_length"],
                           config["word_dim"], config["text_hidden"],
                           config["embedding_dim"])
    load_encoder_weights(network, path)
    return make_vectorizer(config["vocabulary"], config["max_length"]), network, config


