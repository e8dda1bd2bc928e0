"""A text encoder trained inside the project.

Pretrained char-CNN-RNN embeddings (Reed et al. 2016) cannot be downloaded
here, so the text-to-image recipes first train their own:

- **Tokenization in the graph.** `keras.layers.TextVectorization` (lower
  case, punctuation stripped, split on whitespace) maps a string to word ids,
  so an exported model takes a plain string. Id 0 is padding, 1 an unknown
  word, 2.. the vocabulary.
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

import functools
import json
import math
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

from tfgan_zoo.errors import UserError

PAD, UNKNOWN = 0, 1
CONFIG_FILE = "encoder.json"
WEIGHTS_FILE = "text_encoder.weights.h5"
# The encoder's own sizes; GAN models take the same keyword arguments.
ENCODER_ARGS = ("vocabulary", "max_length", "word_dim", "text_hidden", "embedding_dim")


# ------------------------------------------------------------ tokenization
def make_vectorizer(vocabulary, max_length, name="tokenize"):
    """String -> int32 word ids [max_length] (0 pads, 1 is unknown)."""
    vectorizer = layers.TextVectorization(
        vocabulary=list(vocabulary), output_mode="int",
        output_sequence_length=int(max_length), split="whitespace",
        standardize="lower_and_strip_punctuation", name=name)
    vectorizer(tf.constant([""]))  # built, so it can be exported and tracked
    return vectorizer


@functools.lru_cache(maxsize=8)
def _cached_vectorizer(vocabulary, max_length):
    return make_vectorizer(vocabulary, max_length)


def check_tokens(tokens, texts):
    """UserError for a caption that is empty or has no known word."""
    tokens = np.asarray(tokens)
    for row, text in zip(tokens, np.asarray(texts).reshape(-1)):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if not (row != PAD).any():
            raise UserError(f"empty caption {text!r}: describe the image in words, "
                            "e.g. 'a small red circle above a large blue square'")
        if not (row > UNKNOWN).any():
            raise UserError(f"caption {text!r} has no word the text encoder knows: "
                            "use words of its vocabulary (see encoder.json)")


def tokenize(texts, vocabulary, max_length, check=True):
    """Word ids int32 [N, max_length] of N strings, tokenized exactly as the
    models tokenize inside their graphs."""
    texts = np.asarray(texts, dtype=object).reshape(-1)
    if not len(texts):
        raise UserError("no captions given")
    ids = _cached_vectorizer(tuple(vocabulary), int(max_length))(
        tf.constant(texts.astype(str))).numpy().astype(np.int32)
    if check:
        check_tokens(ids, texts)
    return ids


def graph_check_tokens(tokens):
    """In-graph version of `check_tokens` for exported models: a request
    with an empty or all-unknown caption fails with this message."""
    known = tf.reduce_any(tokens > UNKNOWN, axis=-1)
    return tf.debugging.assert_equal(
        known, tf.ones_like(known), message=(
            "every caption needs at least one word the text encoder knows "
            "(an empty caption or only unknown words was sent)"))


# ----------------------------------------------------------------- networks
def text_encoder(vocabulary_size, max_length, word_dim=64, hidden=128,
                 embedding_dim=128, name="text_encoder"):
    """Word ids -> embedding. The bidirectional GRU reads the caption both
    ways; padding is masked, so the final states are those of the last word.
    The embedding is scaled to norm sqrt(embedding_dim) (unit variance per
    dimension): the joint-embedding loss fixes no scale, and a GAN's
    conditioning augmentation adds unit-variance noise to what it reads."""
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


# --------------------------------------------------------------------- loss
def joint_embedding_loss(image_embeddings, text_embeddings, classes, *, margin=1.0,
                         reduce=tf.reduce_mean):
    """Deep symmetric structured joint embedding loss (Reed et al. 2016,
    eqs. 3-5), over a minibatch. With compatibility F(v, t) = theta(v)^T phi(t),

        L = 1/N sum_n [ sum_{m: y_m != y_n} max(0, 1 + F(v_n, t_m) - F(v_n, t_n))
                      + sum_{m: y_m != y_n} max(0, 1 + F(v_m, t_n) - F(v_n, t_n)) ] / (N - 1)

    the image term ranks each image's own caption above every caption of
    another class, the text term each caption's own image above every image
    of another class (the "symmetric" of DS-SJE). Pairs of the same class
    are not negatives (Delta(y, y) = 0). Reed et al. average the text
    features of a class; here each image brings one caption. Returns the
    reduced loss and the in-batch text->image top-1 retrieval accuracy
    (a hit when the best image is of the caption's class)."""
    image_embeddings = tf.cast(image_embeddings, tf.float32)
    text_embeddings = tf.cast(text_embeddings, tf.float32)
    scores = tf.matmul(image_embeddings, text_embeddings, transpose_b=True)  # [i, t]
    classes = tf.reshape(classes, [-1])
    same = tf.equal(classes[:, None], classes[None, :])
    negative = 1.0 - tf.cast(same, tf.float32)
    right = tf.linalg.diag_part(scores)
    n = tf.cast(tf.maximum(tf.shape(scores)[0] - 1, 1), tf.float32)
    image_term = tf.reduce_sum(negative * tf.nn.relu(margin + scores - right[:, None]), 1)
    text_term = tf.reduce_sum(negative * tf.nn.relu(margin + scores - right[None, :]), 0)
    best = tf.argmax(scores, axis=0, output_type=tf.int32)     # best image per caption
    hit = tf.cast(tf.equal(tf.gather(classes, best), classes), tf.float32)
    return reduce((image_term + text_term) / n), reduce(hit)


def contrast_loss(image_embeddings, text_embeddings, contrast_embeddings, *, margin=1.0,
                  reduce=tf.reduce_mean):
    """DS-SJE's image term for one more negative per image, the caption of
    a minimally different scene t'_n (another class by construction):

        L = 1/N sum_n max(0, margin + F(v_n, t'_n) - F(v_n, t_n))

    Returns the reduced loss and the fraction of images that score their
    own caption above the contrast caption."""
    v = tf.cast(image_embeddings, tf.float32)
    right = tf.reduce_sum(v * tf.cast(text_embeddings, tf.float32), -1)
    wrong = tf.reduce_sum(v * tf.cast(contrast_embeddings, tf.float32), -1)
    return (reduce(tf.nn.relu(margin + wrong - right)),
            reduce(tf.cast(right > wrong, tf.float32)))


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
        seed = tf.cast(self.noise_seed.next(), tf.int32)
        context = tf.distribute.get_replica_context()
        if context is not None:
            replica = tf.cast(context.replica_id_in_sync_group, tf.int32)
            seed = tf.random.experimental.stateless_fold_in(seed, replica)
        return seed

    def train_step(self, data):
        images, features = data
        tokens = choose_captions(features["tokens"], self.next_seed())
        reduce = tf.nn.compute_average_loss
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
                image_emb, text_emb, features["class"], margin=self.margin, reduce=reduce)
            values = {"retrieval": retrieval}
            if self.contrast:
                extra, values["contrast"] = contrast_loss(
                    image_emb, text_emb, contrast_emb, margin=self.margin, reduce=reduce)
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
    return json.loads((path / CONFIG_FILE).read_text())


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
    network.load_weights(str(Path(path) / WEIGHTS_FILE))
    return make_vectorizer(config["vocabulary"], config["max_length"]), network, config


def train_text_encoder(out, *, dataset="shapes_captions", data_dir=None, image_size=32,
                       vocabulary=None, max_length=16, word_dim=64, text_hidden=128,
                       embedding_dim=128, steps=1500, batch_size=64, learning_rate=1e-3,
                       seed=0, checkpoint_every=500, epoch_steps=100, verbose=1):
    """Train (or resume) the joint embedding; writes the encoder directory
    `out` and returns it. Re-running with the same `out` resumes."""
    from tfgan_zoo import callbacks as cb
    from tfgan_zoo.checkpoint import CheckpointDir
    from tfgan_zoo.data import load_dataset
    from tfgan_zoo.images import write_atomic
    from tfgan_zoo.text import shapes

    out = Path(out)
    vocabulary = tuple(vocabulary or shapes.VOCABULARY)
    settings = {"dataset": dataset, "image_size": image_size, "vocabulary": list(vocabulary),
                "max_length": max_length, "word_dim": word_dim, "text_hidden": text_hidden,
                "embedding_dim": embedding_dim, "batch_size": batch_size,
                "learning_rate": learning_rate, "seed": seed}
    run_file = out / "run.json"
    if run_file.is_file():
        saved = json.loads(run_file.read_text())
        changed = [k for k in settings if saved.get(k) != settings[k]]
        if changed:
            raise UserError(f"{out} holds a text encoder trained with different "
                            f"{', '.join(changed)}: pass a new --out or the same settings")
    write_atomic(run_file, json.dumps(settings, indent=2).encode())

    tf.keras.utils.set_random_seed(seed)
    data = load_dataset(dataset, batch_size=batch_size, image_size=image_size,
                        data_dir=data_dir, seed=seed)
    contrast = "contrast_tokens" in data.dataset.element_spec[1]
    model = JointEmbedding(image_shape=data.image_shape, vocabulary=vocabulary,
                           max_length=max_length, word_dim=word_dim,
                           text_hidden=text_hidden, embedding_dim=embedding_dim,
                           contrast=contrast, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    model.build_networks()
    model.optimizer.build(model.trainable_variables)
    checkpoints = CheckpointDir(out / "checkpoints", model, keep=2)
    start = checkpoints.latest() or 0
    if start:
        checkpoints.restore(start)
        print(f"Resumed the text encoder at step {start}; training to step {steps}.")
    if start < steps:
        state = cb.RunState(start, steps, epoch_steps)
        callbacks = [cb.StepCounter(state), cb.NaNGuard(state),
                     cb.Checkpointer(state, checkpoints, checkpoint_every)]
        model.fit(data.dataset.skip(start), epochs=math.ceil(steps / epoch_steps),
                  initial_epoch=state.initial_epoch, steps_per_epoch=epoch_steps,
                  callbacks=callbacks, verbose=verbose, shuffle=False)  # data shuffles itself
        if state.diverged:
            raise UserError(f"text encoder training diverged at step {state.diverged[0]}: "
                            "lower --encoder-lr and re-run to resume")
        logs = state.logs
    else:
        logs = checkpoints.restore(start).get("logs", {})
    model.text_encoder.save_weights(str(out / WEIGHTS_FILE))
    config = {k: settings[k] for k in ENCODER_ARGS}
    config.update(trained_steps=max(start, steps), dataset=dataset,
                  final={k: float(v) for k, v in (logs or {}).items()})
    write_atomic(out / CONFIG_FILE, json.dumps(config, indent=2).encode())
    return out
