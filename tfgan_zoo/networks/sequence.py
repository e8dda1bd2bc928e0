"""Recurrent and convolutional blocks for sequences (issue #24): SeqGAN's
LSTM language model with a seeded step-wise sampler, its CNN text
discriminator, and RCGAN's recurrent generator and per-step discriminator.

The sampler (`TokenGenerator.sample`) runs one LSTM step per token inside a
`tf.while_loop` and draws each token by inverse-CDF sampling from a uniform
number `u_t`: token = #{k : cdf_k < u_t}. With `u` from a stateless seed the
draw is reproducible on every device, and the same graph serves a request
whose noise is given (`normal_cdf` turns N(0, 1) noise into uniforms with
stock arithmetic only, so the graph converts to LiteRT's built-in ops)."""

from __future__ import annotations

import math

import keras
import tensorflow as tf


# Abramowitz & Stegun 7.1.26: erf(x) to 1.5e-7 with exp and arithmetic only.
_AS_P = 0.3275911
_AS_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def normal_cdf(z):
    """Phi(z), the standard normal CDF, to 1e-7 (Abramowitz & Stegun 7.1.26):
    no Erf op, which LiteRT's built-ins lack."""
    z = tf.cast(z, tf.float32)
    x = tf.abs(z) / math.sqrt(2.0)
    t = 1.0 / (1.0 + _AS_P * x)
    poly = t * (_AS_A[0] + t * (_AS_A[1] + t * (_AS_A[2] + t * (_AS_A[3] + t * _AS_A[4]))))
    erf = 1.0 - poly * tf.exp(-x * x)
    return 0.5 * (1.0 + tf.sign(z) * erf)


def inverse_cdf_sample(logits, u):
    """Token ids [B] from logits [B, V] and uniforms u [B] in [0, 1): the
    number of cumulative probabilities below u (clipped to V - 1 against
    round-off), i.e. an exact categorical draw when u ~ U(0, 1).
    Unnormalised (exp and cumsum), and counted rather than binary-searched:
    `tf.searchsorted` is not a LiteRT built-in."""
    weights = tf.exp(logits - tf.reduce_max(logits, axis=-1, keepdims=True))
    cdf = tf.cumsum(weights, axis=-1)
    below = tf.reduce_sum(tf.cast(cdf < u[:, None] * cdf[:, -1:], tf.int32), axis=-1)
    return tf.minimum(below, tf.shape(logits)[-1] - 1)


class TokenGenerator(keras.Model):
    """SeqGAN's generator (Yu et al. 2017, §4): embedding -> LSTM -> logits
    over the vocabulary, an LSTM language model that starts from a start
    token (id `vocab_size`, a row of its own in the embedding).

    `logits(tokens)` is the teacher-forced pass (MLE, the policy's log
    probabilities); `sample(u, prefix, given)` draws step by step."""

    def __init__(self, vocab_size, embedding_dim=32, hidden_dim=32, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = int(vocab_size)
        self.hidden_dim = int(hidden_dim)
        self.embedding = keras.layers.Embedding(self.vocab_size + 1, embedding_dim)
        self.lstm = keras.layers.LSTM(self.hidden_dim, return_sequences=True)
        self.project = keras.layers.Dense(self.vocab_size)

    def logits(self, tokens, training=False):
        """[B, T] ids -> [B, T, V] float32 logits of y_t given y_<t."""
        tokens = tf.cast(tokens, tf.int32)
        start = tf.fill([tf.shape(tokens)[0], 1], self.vocab_size)
        shifted = tf.concat([start, tokens[:, :-1]], axis=1)
        return self.head(self.lstm(self.embedding(shifted), training=training))

    def call(self, tokens, training=False):
        return self.logits(tokens, training=training)

    def head(self, hidden, temperature=1.0):
        """LSTM outputs -> float32 logits over the vocabulary."""
        return tf.cast(self.project(hidden), tf.float32) / temperature

    def sample(self, u=None, prefix=None, given=None, seed=None, temperature=1.0):
        """Tokens [B, T] int32 drawn step by step in a `tf.while_loop`.

        Token t comes by inverse CDF from u[:, t] (uniforms [B, T]), or, with
        a stateless `seed` instead of u, from `tf.random.stateless_categorical`
        (the same distribution, 2.5x faster on a CPU: the rollouts' draw).
        Where `prefix` [B, T] and `given` [B] are set, the first given[b]
        tokens of row b are the prefix's and logits are computed only for the
        rows past their prefix (SeqGAN's Monte-Carlo rollouts complete
        Y_1:t)."""
        shape_of = u if u is not None else prefix
        batch, length = tf.shape(shape_of)[0], shape_of.shape[1]
        u = None if u is None else tf.cast(u, tf.float32)
        dtype = self.lstm.cell.compute_dtype
        state = [tf.zeros([batch, self.hidden_dim], dtype)] * 2
        token = tf.fill([batch], self.vocab_size)
        out = tf.TensorArray(tf.int32, size=length)

        def draw(hidden, t, rows=None):
            logits = self.head(hidden, temperature)
            if seed is not None:
                step_seed = tf.random.experimental.stateless_fold_in(seed, t)
                return tf.random.stateless_categorical(logits, 1, step_seed, tf.int32)[:, 0]
            return inverse_cdf_sample(logits, u[:, t] if rows is None
                                      else tf.gather_nd(u[:, t], rows))

        def body(t, token, h, c, out):
            hidden, (h, c) = self.lstm.cell(self.embedding(token), [h, c])
            if prefix is None:
                drawn = draw(hidden, t)
            else:  # logits only for the rows past their prefix
                rows = tf.where(t >= given)
                drawn = tf.tensor_scatter_nd_update(
                    tf.cast(prefix[:, t], tf.int32), rows,
                    draw(tf.gather_nd(hidden, rows), t, rows))
            return t + 1, drawn, h, c, out.write(t, drawn)

        _, _, _, _, out = tf.while_loop(lambda t, *_: t < length, body,
                                        (tf.constant(0), token, *state, out))
        return tf.reshape(tf.transpose(out.stack()), [batch, length])


def token_discriminator(vocab_size, seq_length, embedding_dim=64,
                        filter_sizes=(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20),
                        num_filters=(100, 200, 200, 200, 200, 100, 100, 100, 100, 100,
                                     160, 160), dropout=0.25, name="discriminator"):
    """SeqGAN's CNN discriminator (Yu et al. 2017, §4; Kim 2014's sentence
    CNN): embedded tokens, a convolution per filter width with max-over-time
    pooling, a highway layer, dropout, one logit. Widths longer than the
    sequence are left out."""
    if len(filter_sizes) != len(num_filters):
        raise ValueError("filter_sizes and num_filters must have the same length")
    tokens = keras.Input((seq_length,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size, embedding_dim)(tokens)
    pooled = [keras.layers.GlobalMaxPooling1D()(
        keras.layers.Conv1D(int(f), int(w), activation="relu")(x))
        for w, f in zip(filter_sizes, num_filters) if w <= seq_length]
    features = keras.layers.Concatenate()(pooled) if len(pooled) > 1 else pooled[0]
    width = features.shape[-1]
    gate = keras.layers.Dense(width, activation="sigmoid")(features)
    transform = keras.layers.Dense(width, activation="relu")(features)
    highway = gate * transform + (1.0 - gate) * features
    out = keras.layers.Dropout(dropout)(highway)
    logit = keras.layers.Dense(1, dtype="float32")(out)
    return keras.Model(tokens, logit, name=name)


def _condition(labels, num_classes, length):
    """Labels [B] -> their one-hot code at every step, [B, T, classes]."""
    code = tf.one_hot(tf.cast(labels, tf.int32), num_classes)
    return tf.repeat(code[:, None, :], length, axis=1)


def recurrent_generator(seq_length, channels, noise_dim, num_classes, hidden=100,
                        name="generator"):
    """RCGAN's generator (Esteban et al. 2017, §2): an LSTM reading noise z_t
    and the condition c at every step, a dense output per step (tanh, so that
    series lie in [-1, 1]). z comes flat, [B, T * noise_dim]."""
    z = keras.Input((seq_length * noise_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    steps = keras.layers.Reshape((seq_length, noise_dim))(z)
    code = keras.layers.Lambda(lambda y: _condition(y, num_classes, seq_length))(label)
    x = keras.layers.Concatenate()([steps, keras.ops.cast(code, steps.dtype)])
    x = keras.layers.LSTM(hidden, return_sequences=True)(x)
    series = keras.layers.Dense(channels, activation="tanh", dtype="float32")(x)
    return keras.Model([z, label], series, name=name)


def recurrent_discriminator(seq_length, channels, num_classes, hidden=100,
                            name="discriminator"):
    """RCGAN's discriminator: an LSTM over x_t and c, a real/fake logit at
    every step, [B, T, 1] (the loss averages over the steps)."""
    series = keras.Input((seq_length, channels), name="series")
    label = keras.Input((), dtype="int32", name="label")
    code = keras.layers.Lambda(lambda y: _condition(y, num_classes, seq_length))(label)
    x = keras.layers.Concatenate()([series, keras.ops.cast(code, series.dtype)])
    x = keras.layers.LSTM(hidden, return_sequences=True)(x)
    logits = keras.layers.Dense(1, dtype="float32")(x)
    return keras.Model([series, label], logits, name=name)
