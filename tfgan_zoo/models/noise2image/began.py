"""BEGAN: Berthelot, Schumm & Metz 2017, "BEGAN: Boundary Equilibrium
Generative Adversarial Networks".

The discriminator is an auto-encoder scored by its reconstruction loss
L(v) = |v - D(v)| (eta = 1, mean over pixels). Instead of telling reals
from fakes it reconstructs reals well and fakes badly, and a proportional
controller k_t keeps the two losses in the ratio gamma = E[L(G(z))] / E[L(x)]
(the "diversity ratio": lower gamma, sharper but less varied samples).
Each step (§3.4, eq. 4), with D and G updated together:

    L_D = L(x) - k_t L(G(z_D))                 (D's update)
    L_G = L(G(z_G))                            (G's update)
    k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1)
    M_global = L(x) + |gamma L(x) - L(G(z_G))|  (convergence, logged)

k_t and M_global are logged as `k` and `m_global` (TensorBoard scalars);
k_t is a model weight, so checkpoints and resumed runs carry it. Adam(1e-4,
beta_1=0.5) for both players, gamma = 0.5, lambda_k = 0.001, k_0 = 0, as in
carpedm20/BEGAN-tensorflow. z is served as N(0, 1) like every zoo
generator and mapped to the paper's U(-1, 1) by G's first layer.

`--pull-away-weight W` (a project option, off by default: the paper's BEGAN
has no such term) adds EBGAN's pulling-away term (Zhao, Mathieu & LeCun
2017, eq. 6) to G's loss, on the bottleneck codes h = Enc(G(z_G)) of G's
batch:

    G minimises L(G(z_G)) + W * PT(h),  PT = mean_{i != j} cos^2(h_i, h_j)

BEGAN's energy only scores each sample alone, and on MNIST it falls with
the ink, so G drifts to the thinnest digit (benchmarks/RESULTS.md, "BEGAN's
collapse to 1s"); PT repels the samples' codes from each other, as EBGAN
does for the same reason (EBGAN uses W = 0.1). D's loss, k_t and M_global
keep the energy alone (`g_loss` stays L(G(z_G))); PT is logged as
`pull_away`.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import cross_replica_sum
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.began import began_discriminator, began_generator, with_code


@keras.saving.register_keras_serializable("tfgan_zoo")
class BEGAN(NoiseToImageGAN):
    """Boundary equilibrium GAN with an auto-encoder discriminator.

    Args:
        gamma: the diversity ratio E[L(G(z))] / E[L(x)] the controller
            holds, in (0, 1].
        lambda_k: learning rate of the balance k_t.
        filters: n, the convolution width (the encoder widens to n, 2n, ...).
        hidden_dim: size of the auto-encoder's bottleneck h.
        g_output_bias: the initial bias of G's linear last layer, i.e. the
            grey level G's first images sit at (0, the paper's: mid-grey).
            -1 starts G on a black background, as MNIST's.
        pull_away_weight: W, the weight of EBGAN's pulling-away term on
            G's codes in G's loss (0, the paper's: off; EBGAN uses 0.1).
    """

    loss_names = ("d_loss", "g_loss", "real_loss", "k", "m_global")
    # Its own train_step: the shared step's options do not apply.
    unused_hyperparameters = NoiseToImageGAN.derived_arguments + NoiseToImageGAN.step_options
    clip_output = True  # a linear last layer, as in the paper
    test_config = {"filters": 4, "hidden_dim": 8}

    def __init__(self, *, gamma=0.5, lambda_k=0.001, filters=64, hidden_dim=64,
                 latent_dim=64, g_output_bias=0.0, pull_away_weight=0.0, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        if not 0 < gamma <= 1:
            raise UserError(f"gamma must be in (0, 1], got {gamma}: pass --gamma 0.5 "
                            "(lower: sharper, less varied samples)")
        if lambda_k < 0:
            raise UserError(f"lambda_k must be >= 0, got {lambda_k}: pass --lambda-k 0.001")
        self.gamma, self.lambda_k = float(gamma), float(lambda_k)
        self.filters, self.hidden_dim = filters, hidden_dim
        self.generator = began_generator(self.latent_dim, self.image_shape, filters,
                                         output_bias=float(g_output_bias))
        self.discriminator = began_discriminator(self.image_shape, filters, hidden_dim)
        # Checked >= 0 by name (`tfgan_zoo.checks`) before __init__ runs.
        self.pull_away_weight = float(pull_away_weight)
        if self.pull_away_weight:
            self.loss_names = BEGAN.loss_names + ("pull_away",)
            self.trackers["pull_away"] = keras.metrics.Mean(name="pull_away")
        # A view of D's own layers, kept out of Keras's tracking so that
        # checkpoints and weight lists are those of the paper's model.
        object.__setattr__(self, "_coded_discriminator", with_code(self.discriminator))
        # Identical on every replica (it is computed from global losses).
        self.k = self.add_weight(shape=(), name="k", initializer="zeros", trainable=False,
                                 dtype="float32", autocast=False,
                                 aggregation="only_first_replica")

    def autoencoder_loss(self, images):
        """L(v) = |v - D(v)|, the mean over pixels; its global-batch share."""
        return losses.l1_loss(self.discriminator(images, training=True), images)

    def generator_loss(self, z):
        """L_G = L(G(z)), and with `pull_away_weight` W the total G
        minimises, L_G + W PT(h(G(z))); returns (L_G, PT or None, total)."""
        fake = self.generate(z, training=True)
        if not self.pull_away_weight:
            energy = self.autoencoder_loss(fake)
            return energy, None, energy
        reconstruction, codes = self._coded_discriminator(fake, training=True)
        energy = losses.l1_loss(reconstruction, fake)
        pull_away = losses.pulling_away_term(codes)
        return energy, pull_away, energy + self.pull_away_weight * pull_away

    def train_step(self, data):
        real, _ = self.unpack(data)
        batch = keras.ops.shape(real)[0]
        fake_d = self.generate(self.sample_noise(batch), training=True)
        z_g = self.sample_noise(batch)
        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            real_loss = self.autoencoder_loss(real)                          # L(x)
            d_loss = real_loss - self.k * self.autoencoder_loss(fake_d)      # L_D
            g_loss, pull_away, g_total = self.generator_loss(z_g)           # L_G (+ W PT)
        self.minimize(self.d_optimizer, d_tape, d_loss, self.discriminator)
        self.minimize(self.g_optimizer, g_tape, g_total, self.generator)
        # The controller and the measure need the whole batch's losses.
        real_total, fake_total = cross_replica_sum(real_loss), cross_replica_sum(g_loss)
        self.k.assign(losses.began_k_update(self.k, real_total, fake_total,
                                            self.gamma, self.lambda_k))
        m_global = losses.began_convergence(real_total, fake_total, self.gamma)
        extra = {} if pull_away is None else {"pull_away": pull_away}
        return self.track(d_loss=d_loss, g_loss=g_loss, real_loss=real_loss, **extra,
                          **self.shares(k=self.k, m_global=m_global))
