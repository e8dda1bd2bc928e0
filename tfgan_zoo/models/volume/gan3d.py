"""3D-GAN: Wu, Zhang, Xue, Freeman & Tenenbaum 2016, "Learning a
Probabilistic Latent Space of Object Shapes via 3D Generative-Adversarial
Modeling".

A volumetric DCGAN (`tfgan_zoo.networks.volume`): G maps z through
transposed Conv3Ds to a sigmoid occupancy grid, D mirrors it with strided
Conv3Ds, and both play the binary cross-entropy game of Goodfellow et al.
(non-saturating G loss). Paper §3.1, "Training details": to keep D from
outrunning G, **D is updated only if its accuracy on the current batch is
not higher than 80 %** (a skipped step leaves D and its optimizer as they
were; `core.AdversarialModel.minimize_if`).

The paper's output is a sigmoid occupancy p thresholded at 0.5; here the
output is 2p - 1 = tanh(a / 2) on the [-1, 1] scale every sample kind
uses, thresholded at 0 (`samples.voxel_outputs`' `occupied`), which is the
same set of voxels (tests/models/volume/test_gan3d.py). Deviations, for the
export contract: z ~ N(0, I) where the paper draws U(0, 1) (the export's
`sample` signature draws normal z), and any power-of-2 size (the paper's
64^3; 32^3 by default for a CPU). The paper's 3D-VAE-GAN image encoder is
not built.

`--ema-decay` (not in the paper; the core's generator EMA, off by default)
samples, reports and exports through an exponential moving average of G's
weights, whose batch-norm statistics are re-estimated before each
checkpoint (`core.AdversarialModel.recalibrate_ema`); training reads the
raw G.

`--mbstd-group-size N` (not in the paper; off by default) gives D the
minibatch standard-deviation feature of ProGAN (Karras et al. 2018, §3;
`networks.layers.MinibatchStddev`) at its 4^3 stage: the spread of D's
features over each group of N shapes, so that a G that drops a class or
collapses within a batch is told so. Real and fake batches go through D
separately, so a group never mixes them.

`--pack M` (not in the paper; 1, the paper's D, by default) is PacGAN's
packing (Lin et al. 2018, "PacGAN: The power of two samples in generative
adversarial networks"): D reads M shapes at once, concatenated on the
channel axis (`networks.volume.pack_voxels`), all real or all fake, and
gives one logit a pack. D then separates the product distributions of M
shapes, real against fake, and the paper shows that the distance between
them grows faster for a G that drops mass from a mode than for one that is
off by the same distance without dropping any: packing penalises mode
collapse in particular. With packing:
- D's loss is the binary cross-entropy over the B / M packed decisions of
  a real and a fake batch; G's loss reads D's logits on its packed samples;
- the 80 % rule reads the accuracy of those packed decisions (the share of
  real and fake packs D classifies right), so "D is updated only while its
  accuracy is at most 80 %" keeps its meaning, counted in packs;
- with `--mbstd-group-size N` the stddev is over groups of N packs (N * M
  shapes), still real and fake apart: the two combine as two views of a
  batch's spread, within a pack (the packed channels) and across packs;
- the report's D-feature SVM reads one shape at a time, repeated M times
  into a pack (`networks.volume.voxel_features`);
- the batch (per replica) must be a multiple of M: a one-line error says so
  at the first step.

`--diff-augment POLICY` (not in the paper; off by default) is DiffAugment
(Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
Training") in 3-D (`augment.voxel_augment`): D sees only T(x) and T(G(z)),
the same random family on both sides, in D's update and in G's, and G's
gradient flows back through T. POLICY is a comma-separated list of
`translation` (integer shifts of up to 1/8 of the size, 4 voxels at 32^3,
along each axis, filled with empty space; the paper's translation) and
`flip` (mirror left-right with probability 1/2). Each shape is
transformed on its own, before packing with `--pack`; the 80 % rule reads
D's accuracy on the transformed batches, and the report's D features read
untransformed shapes. Aimed at chairs, the class G learns last and never
matches a held-out one of: D sees 2,400 shapes about 24 times in a run,
and DiffAugment is the paper's remedy for a D that memorises its reals.

`--decay-after F` (not in the paper; off by default) keeps both rates
constant for the first F of --steps, then lowers them linearly to 0 at the
last step (`optimizers.linear_decay`, CycleGAN's schedule). D's rate falls
with the run's generator steps, not with its own updates: the accuracy rule
skips most of D's updates (about 70 % late in a run) and a skipped update
does not advance D's step count, so a schedule on D's count would start
long after F (past the end of the run at F = 0.67). `--no-decay-discriminator`
decays G's rate only.
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.augment import parse_voxel_policy, voxel_augment
from tfgan_zoo.core import AdversarialModel, cross_replica_sum, schedule_maker
from tfgan_zoo.errors import UserError
from tfgan_zoo.networks.volume import (pack_voxels, voxel_discriminator, voxel_features,
                                       voxel_generator)
from tfgan_zoo.optimizers import decay_settings

# Paper §3.1: D is updated only while its accuracy is at most this.
D_ACCURACY_LIMIT = 0.8


def discriminator_accuracy(real_logits, fake_logits):
    """The share of a real and a fake batch D classifies right (real > 0,
    fake < 0), over the global batch: the same value on every replica."""
    correct = tf.concat([tf.cast(real_logits > 0, tf.float32),
                         tf.cast(fake_logits < 0, tf.float32)], axis=0)
    return cross_replica_sum(losses.global_mean(correct))


@keras.saving.register_keras_serializable("tfgan_zoo")
class GAN3D(AdversarialModel):
    """3D-GAN: noise -> voxel occupancy grid.

    Args:
        ngf, ndf: width of G's last / D's first Conv3D stage (the paper's
            64^3 network has 64 and 32, doubling per stage).
        d_accuracy_limit: D is updated only while its accuracy on the batch
            is at most this (paper: 0.8); 1 updates D always.
        mbstd_group_size: shapes (packs with `pack`) per minibatch-stddev group in D, 0: off
            (Karras et al. 2018, §3; not in the paper).
        pack: shapes D judges at once as one input (PacGAN), 1: the paper's D
            (Lin et al. 2018; not in the paper; side by side on the channel
            axis).
        diff_augment: DiffAugment on D's inputs, e.g. 'translation,flip' (None: off)
            (not in the paper).
        decay_after: G's and D's rates fall linearly to 0 after this fraction
            of --steps, D's counted in generator steps (not in the paper;
            None: constant, as the paper).
        decay_discriminator: with decay_after, D's rate falls too; false:
            G's only (D keeps its rate).
        total_steps: length of the run in generator steps, for the decay
            and `ema_start`; the trainer passes --steps.
    """

    sample_kind = "voxels"
    # `--ema-decay`: samples, the report and the export read an average of
    # G's weights (the core's generator EMA), not in the paper.
    supports_ema = True
    loss_names = ("d_loss", "g_loss", "d_accuracy", "d_updated")
    test_config = {"image_shape": (8, 8, 8, 1), "ngf": 2, "ndf": 2, "mbstd_group_size": 2}

    def __init__(self, *, image_shape=(32, 32, 32, 1), latent_dim=200, ngf=16, ndf=16,
                 d_accuracy_limit=D_ACCURACY_LIMIT, mbstd_group_size=0, pack=1,
                 diff_augment=None, decay_after=None, decay_discriminator=True, **kwargs):
        super().__init__(image_shape=image_shape, latent_dim=latent_dim, **kwargs)
        self.decay_after, self.total_steps = decay_settings(decay_after, self.total_steps)
        self.decay_discriminator = bool(decay_discriminator)
        # With `decay_after`: D's rate as a function of the generator's step
        # (`schedule_learning_rates`), set before each D update.
        self.d_schedule = None
        self.ngf, self.ndf = int(ngf), int(ndf)
        self.d_accuracy_limit = float(d_accuracy_limit)
        if int(mbstd_group_size) < 0 or int(mbstd_group_size) == 1:
            raise UserError(f"--mbstd-group-size must be 0 (off) or at least 2, "
                            f"got {mbstd_group_size}")
        self.mbstd_group_size = int(mbstd_group_size)
        if int(pack) < 1:
            raise UserError(f"--pack must be at least 1 (1: the paper's D), got {pack}")
        self.pack = int(pack)
        parse_voxel_policy(diff_augment)  # a one-line error for an unknown name
        self.diff_augment = diff_augment or None
        size = self.image_shape[0]
        self.generator = voxel_generator(self.latent_dim, size, self.ngf)
        self.discriminator = voxel_discriminator(size, self.ndf, self.mbstd_group_size,
                                                 self.pack)

    def example_data(self, n, seed=0):
        """n random occupancy grids in {-1, 1} and class labels (tests)."""
        rng = tf.random.stateless_uniform([n, *self.image_shape], [seed, 3])
        return tf.where(rng > 0.8, 1.0, -1.0).numpy(), tf.zeros([n], tf.int32).numpy()

    def schedule_learning_rates(self, make_schedule):
        """The core's schedules for G; D keeps a plain rate, which
        `train_step` sets from `make_schedule` at the generator's step (G is
        updated every step; D's own count stops on every skipped update);
        with `decay_discriminator` false, D's rate stays constant."""
        optimizer = self.d_optimizer
        super().schedule_learning_rates(make_schedule)
        if self.decay_discriminator:
            self.d_schedule = schedule_maker(make_schedule, "discriminator")(
                float(keras.ops.convert_to_numpy(optimizer.learning_rate)), 1)
        self._set_optimizers({**self.player_optimizers, "discriminator": optimizer})

    def features(self):
        """D's representation of a grid (paper §4.2), a `keras.Model`."""
        return voxel_features(self.discriminator)

    @property
    def build_batch(self):
        return 2 * self.pack  # whole packs

    def discriminate(self, images, inputs=None, training=False):
        """D's logits on a batch of shapes: one a shape, or with `pack` one
        a pack of consecutive shapes (PacGAN)."""
        batch = images.shape[0]
        if self.pack > 1 and batch is not None and batch % self.pack:
            raise UserError(f"--pack {self.pack} needs a batch (per replica) that is a "
                            f"multiple of {self.pack}, got {batch}: pass --batch-size a "
                            f"multiple of {self.pack} times the replicas")
        return self.discriminator(pack_voxels(images, self.pack), training=training)

    def augment(self, voxels):
        """T(voxels), the `diff_augment` policy with a fresh seed, or the
        voxels unchanged."""
        if not self.diff_augment:
            return voxels
        return voxel_augment(voxels, self.diff_augment, self.next_seed())

    def train_step(self, data):
        real, _ = self.unpack(data)
        z = self.sample_noise(tf.shape(real)[0])
        fake = self.generate(z, training=True)
        # update D, only while it is not already too good (paper §3.1);
        # with `pack`, logits and accuracy are per pack
        with tf.GradientTape() as tape:
            real_logits = self.discriminate(self.augment(real), training=True)
            fake_logits = self.discriminate(self.augment(fake), training=True)
            d_loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
        accuracy = discriminator_accuracy(real_logits, fake_logits)
        update = accuracy <= self.d_accuracy_limit
        if self.d_schedule is not None:
            self.d_optimizer.learning_rate = self.d_schedule(self.g_optimizer.iterations)
        self.minimize_if(update, self.d_optimizer, tape, d_loss, self.discriminator)
        # update G
        z = self.sample_noise(tf.shape(real)[0])
        with tf.GradientTape() as tape:
            fake = self.generate(z, training=True)
            g_loss = losses.non_saturating_generator_loss(
                self.discriminate(self.augment(fake), training=True))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss,
                          **self.shares(d_accuracy=accuracy,
                                        d_updated=tf.cast(update, tf.float32)))
