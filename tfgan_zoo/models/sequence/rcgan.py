"""RCGAN: Esteban, Hyland, Rätsch 2017, "Real-valued (Medical) Time Series
Generation with Recurrent Conditional GANs".

G is an LSTM that reads fresh noise z_t and the condition c at every step
and emits x_t through a dense layer (tanh, so series stay in [-1, 1]); D is
an LSTM over (x_t, c) that says real or fake at every step, and both
losses are the cross-entropies averaged over the steps (§2, eqs. 1-2):

    D_loss(X_n, y_n) = -CE(RNN_D(X_n), y_n)      per step, averaged
    G_loss(Z_n)      = D_loss(RNN_G(Z_n), 1)      (non-saturating)

with `g_steps` generator updates per discriminator update (the reference
settings' G_rounds). The condition is the class label, one-hot at every
step of both networks. Evaluation is TSTR (train a classifier on samples,
test on real) against TRTR, MMD and a memorisation check
(`tfgan_zoo.evaluation.series`, the recipe's report).

Served: `z` [B, T * noise_dim] (the per-step noise, flat, so `sample` and
`interpolate` work as for images) and `label` -> `series` float32
[B, T, channels] in [-1, 1].
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import ConditionalModel
from tfgan_zoo.networks.sequence import recurrent_discriminator, recurrent_generator


@keras.saving.register_keras_serializable("tfgan_zoo")
class RCGAN(ConditionalModel):
    """Recurrent conditional GAN for real-valued series (Esteban et al. 2017).

    Args:
        seq_length: steps per series; from the data.
        channels: values per step; from the data.
        noise_dim: noise values per step (the reference settings: 3-5).
        hidden_units: LSTM units of G and D (100 in the reference settings).
        g_steps: generator updates per discriminator update (G_rounds).
    """

    sample_kind = "series"
    unused_hyperparameters = ("seq_length", "channels", "latent_dim")
    test_config = {"seq_length": 5, "channels": 2, "noise_dim": 2, "hidden_units": 4,
                   "num_classes": 3, "g_steps": 1}

    def __init__(self, *, seq_length=14, channels=14, noise_dim=5, hidden_units=100,
                 g_steps=2, **kwargs):
        kwargs.pop("latent_dim", None)
        self.seq_length, self.channels = int(seq_length), int(channels)
        self.noise_dim, self.g_steps = int(noise_dim), int(g_steps)
        super().__init__(latent_dim=self.seq_length * self.noise_dim, **kwargs)
        self.generator = recurrent_generator(self.seq_length, self.channels, self.noise_dim,
                                             self.num_classes, hidden_units)
        self.discriminator = recurrent_discriminator(self.seq_length, self.channels,
                                                     self.num_classes, hidden_units)

    @property
    def sample_shape(self):
        return (self.seq_length, self.channels)

    def example_data(self, n):
        """Random labelled series (what the registry tests train on)."""
        rng = np.random.default_rng(0)
        series = rng.uniform(-1, 1, (n, self.seq_length, self.channels)).astype("float32")
        return series, (np.arange(n) % self.num_classes).astype("int32")

    def train_step(self, data):
        real, labels = self.unpack(data)
        for real, labels in self.critic_batches(real, labels):
            fake = self.generate(self.sample_noise(tf.shape(real)[0]), labels,
                                 training=True)
            d_loss = self.minimax_discriminator_step([real, labels], [fake, labels])
        for _ in range(self.g_steps):
            with tf.GradientTape() as tape:
                fake = self.generate(self.sample_noise(tf.shape(labels)[0]), labels,
                                     training=True)
                g_loss = losses.non_saturating_generator_loss(
                    self.discriminate(fake, labels, training=True))
            self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)
