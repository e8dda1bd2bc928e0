"""InfoGAN: Chen, Duan, Houthooft, Schulman, Sutskever & Abbeel 2016,
"InfoGAN: Interpretable Representation Learning by Information Maximizing
Generative Adversarial Nets".

The generator takes noise z and latent codes c: one categorical code of K
values (`code_cat`) and continuous codes U(-1, 1) (`code_cont`). A head Q
on the discriminator's body (`tfgan_zoo.networks.infogan`) predicts c from
G(z, c), and the variational lower bound of the mutual information
I(c; G(z, c)) (eq. 5),

    L_I = H(c) - [CE(c_cat, Q_cat(G(z, c))) + NLL(c_cont; Q_mean(G(z, c)), 1)],

is maximised by both players, so G learns to make its codes legible and
the codes take the data's main factors (on MNIST the digit, its slant and
its width). Each step is Algorithm 1 with the information term added
(eq. 6, min_{G,Q} max_D V(D, G) - lambda L_I):

    sample x, z, c;  update D and Q on  GAN_D + lambda info(c, Q(G(z, c)))
    sample z, c;     update G on        GAN_G + lambda info(c, Q(G(z, c)))

with info = -(L_I - H(c)) the codes' negative log-likelihood. lambda = 1
(`info_weight`) for the categorical code; the continuous codes' Gaussian
NLL is weighted by `continuous_weight` (1 in openai/InfoGAN's MNIST run;
eriklindernoren/PyTorch-GAN's `lambda_con` 0.1 on an MSE over two codes is
0.1 here. On mnist5k, 0.5 gave the cleanest slant code and categorical code
but a weaker ink code, 0.1 left the codes nearly unused and 2 let them take
over the digit: benchmarks/RESULTS.md, Image GANs II).
Q's Gaussian has a fixed unit deviation there (`fix_std=True`); with
`learned_code_std` Q also predicts each code's log-variance (the paper's
"factored Gaussian", openai/InfoGAN's `fix_std=False`), so the term sharpens
as Q grows sure of a code (a project option, off by default). Nothing bounds
it: the NLL falls without end as Q's deviation shrinks and its gradient grows
as 1 / sigma^2, and on mnist5k it took over the run (G ignored z; cluster
accuracy 0.543, benchmarks/RESULTS.md). `min_code_std` (a project option,
off by default) floors the learned deviation, so the term's pull on G is at
most `continuous_weight` / min_code_std^2 per unit of error.
With `late_info_weight` (a project experiment, off by default) lambda
switches from `info_weight` to that weight at generator step
`late_info_step`: on mnist5k the code-to-digit pairing forms at steps
600-1,000, and lambda 2 from the start untangled merged codes after that on
two seeds of three. Switched to 2 at step 1,000 on the seed lambda 1 fails
(seed 2), it resolved the chained merges but not the two doubled pairs:
0.819 against 0.670; on seeds 0 and 1 it read 0.912 and 0.803 against 0.975
and 0.854 (one run each). With `late_info_until` (also off by default) lambda
goes back to `info_weight` at that step, so the late weight is a window: with
the recipe's z 16, lambda_cat 1 -> 2 at step 1,000 -> 1 at step 3,000 read
0.889 / 0.864 / 0.887 / 0.870 / 0.862 on seeds 0-4 at 4,000 steps against
0.890 / 0.831 / 0.885 / 0.892 / 0.876 with lambda 2 to the end: every seed
at >= 0.85, the mean unchanged (one run each; benchmarks/RESULTS.md,
InfoGAN at 6,000 steps and a lambda_cat window). With
`late_continuous_weight` (a project experiment, off by default) the
continuous codes' weight switches from `continuous_weight` to that weight at
generator step `late_continuous_step` (3,000: after the categorical code's
pairing has settled). On the recipe's default (weight 0.5, bf16, 4,000
steps) the codes' pooled |Spearman rho| with ink / slant read 0.31 / 0.28
(seed 0) and 0.40 / 0.40 (seed 1), because z's style and the digit explain
more of each moment than the codes do. 12 from step 3,000 read 0.52 / 0.59
with cluster accuracy 0.889 on seed 0 (both checks met), but 0.35 / 0.49
with 0.829 on seed 1 (from 0.864) and 0.16 / 0.47 with 0.826 on seed 2;
6 from step 3,000: 0.41 / 0.40 (0.884) and 0.39 / 0.30 (0.854); 6 from
step 2,000: 0.39 / 0.68 (0.859) and 0.35 / 0.45 (0.788). One run a seed
(2026-12-07): no setting met both checks on more than one seed. With
`q_dropout` (a
project experiment, off by default) Q's head reads a dropped-out view of
D's body, meant to make a code that few of the body's features carry (a
stroke style) harder to read back than the digit; at 0.5 on seed 2 Q still
read the code at 0.999 and the accuracy stayed 0.673 (one run;
benchmarks/history/image_gans_ii.md, InfoGAN: a late lambda and dropout
before Q).
Adam with G at 1e-3 and D at 2e-4, beta_1 = 0.5, batch 128 (the reference
launcher). The noise z is N(0, I) (`noise_prior`; "uniform" draws it
from U(-1, 1) like the codes, as openai/InfoGAN's launcher does with its
`Uniform(62)`, but on mnist5k that run mixed the continuous codes: slant
and ink each moved with both codes, benchmarks/history/image_gans_ii.md).
The codes are named inputs of the generator, so the exported model takes
`z`, `code_cat` and `code_cont`.
"""

import math

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.checks import check_number
from tfgan_zoo.core import Input, cross_replica_sum
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.infogan import infogan_discriminator, infogan_generator

NOISE_PRIORS = ("normal", "uniform")


@keras.saving.register_keras_serializable("tfgan_zoo")
class InfoGAN(NoiseToImageGAN):
    """Information-maximising GAN with a categorical and continuous codes.

    Args:
        num_categories: values of the categorical code (10 for digits).
        continuous_codes: number of continuous codes, each U(-1, 1).
        info_weight: lambda, the weight of the categorical code's term.
        continuous_weight: weight of the continuous codes' Gaussian NLL.
        ngf, ndf: widths (64 gives the paper's 1024 / 128 / 64 units).
        noise_prior: z's prior, "normal" or "uniform" (U(-1, 1), the reference's).
        learned_code_std: Q predicts the continuous codes' log-variances
            instead of a fixed deviation of 1 (the reference MNIST run's).
        min_code_std: floor on Q's learned code deviation (None: off).
            Needs learned_code_std; a project option, the paper has none.
        late_info_weight: lambda from step `late_info_step` on (None: off).
            A project experiment; the paper keeps lambda fixed.
        late_info_step: the step at which `late_info_weight` takes over.
        late_info_until: the step at which lambda goes back to `info_weight`
            (None: `late_info_weight` to the end). A project experiment.
        late_continuous_weight: continuous_weight from `late_continuous_step` on (None: off).
            A project experiment; the paper keeps the weight fixed.
        late_continuous_step: the step at which `late_continuous_weight` takes over.
        q_dropout: dropout rate between D's body and Q's head (0: none).
    """

    loss_names = ("d_loss", "g_loss", "info_loss", "mi_categorical")
    # Its own train_step: the shared step's options do not apply.
    unused_hyperparameters = NoiseToImageGAN.derived_arguments + NoiseToImageGAN.step_options
    test_config = {"ngf": 4, "ndf": 4}

    def __init__(self, *, num_categories=10, continuous_codes=2, info_weight=1.0,
                 continuous_weight=1.0, ngf=64, ndf=64, latent_dim=62, noise_prior="normal",
                 learned_code_std=False, min_code_std=None, late_info_weight=None,
                 late_info_step=1000, late_info_until=None, late_continuous_weight=None,
                 late_continuous_step=3000, q_dropout=0.0, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        if not isinstance(num_categories, int) or num_categories < 2:
            raise UserError(f"num_categories must be an integer >= 2, got {num_categories!r}:"
                            " pass --num-categories 10")
        if noise_prior not in NOISE_PRIORS:
            raise UserError(f"noise_prior must be one of {', '.join(NOISE_PRIORS)}, got "
                            f"{noise_prior!r}: pass --noise-prior normal")
        self.noise_prior = noise_prior
        # continuous_codes (an integer >= 0) and the weights (>= 0) are
        # range-checked by name (tfgan_zoo.checks).
        self.num_categories, self.continuous_codes = num_categories, continuous_codes
        self.info_weight, self.continuous_weight = float(info_weight), float(continuous_weight)
        self.ngf, self.ndf = ngf, ndf
        self.learned_code_std = bool(learned_code_std)
        if min_code_std is not None and not self.learned_code_std:
            raise UserError(f"--min-code-std {min_code_std} floors a learned deviation: pass "
                            "--learned-code-std too, or --min-code-std None")
        self.min_code_std = None if min_code_std is None else float(check_number(
            "min_code_std", min_code_std, 0, low_in=False, what="a deviation"))
        self.late_info_weight = None if late_info_weight is None else float(late_info_weight)
        self.late_info_step = int(late_info_step)
        self.late_info_until = None if late_info_until is None else int(late_info_until)
        if self.late_info_until is not None and (self.late_info_weight is None
                                                 or self.late_info_until <= self.late_info_step):
            raise UserError(f"--late-info-until {late_info_until} needs --late-info-weight and "
                            f"must come after --late-info-step {self.late_info_step}: pass a "
                            "later step (e.g. 3000 with the recipe's 1000) or "
                            "--late-info-until None")
        self.q_dropout = float(q_dropout)
        self.late_continuous_weight = (None if late_continuous_weight is None
                                       else float(late_continuous_weight))
        self.late_continuous_step = int(late_continuous_step)
        if self.late_continuous_weight is not None and not continuous_codes:
            raise UserError(f"--late-continuous-weight {late_continuous_weight} weights the "
                            "continuous codes, and there are none: pass --continuous-codes 2 "
                            "or --late-continuous-weight None")
        for kind, weight, step, share in (
                ("info", self.late_info_weight, self.late_info_step, "a quarter"),
                ("continuous", self.late_continuous_weight, self.late_continuous_step,
                 "three quarters")):
            if weight is not None and self.total_steps is not None and step >= self.total_steps:
                raise UserError(f"--late-{kind}-step {step} is not before the run's end "
                                f"({self.total_steps} steps), so --late-{kind}-weight never "
                                f"applies: pass a smaller --late-{kind}-step (e.g. {share} of "
                                f"--steps) or --late-{kind}-weight None")
        self.generator = infogan_generator(self.latent_dim, self.image_shape, num_categories,
                                           continuous_codes, ngf)
        self.discriminator = infogan_discriminator(self.image_shape, num_categories,
                                                   continuous_codes, ndf,
                                                   learned_std=self.learned_code_std,
                                                   q_dropout=self.q_dropout)

    # ----------------------------------------------------- generator inputs
    def generator_inputs(self):
        z = (Input.uniform(self.latent_dim) if self.noise_prior == "uniform"
             else Input.noise(self.latent_dim))
        inputs = {"z": z, "code_cat": Input.label(self.num_categories)}
        if self.continuous_codes:
            inputs["code_cont"] = Input.uniform(self.continuous_codes, seed_offset=1)
        return inputs

    def generate_from(self, inputs, training=False):
        codes = [tf.cast(inputs["code_cat"], tf.int32)]
        if self.continuous_codes:
            codes.append(inputs["code_cont"])
        generator = self.inference_generator(training)
        return tf.cast(generator([inputs["z"], *codes], training=training), tf.float32)

    def sample_noise(self, batch_size):
        """z from `noise_prior`, seeded, and different on every replica."""
        if self.noise_prior == "normal":
            return super().sample_noise(batch_size)
        return tf.random.stateless_uniform([batch_size, self.latent_dim], self.next_seed(),
                                           -1.0, 1.0)

    def sample_codes(self, batch_size):
        """z from `noise_prior`, c_cat uniform over K, c_cont ~ U(-1, 1),
        per replica."""
        inputs = {"z": self.sample_noise(batch_size),
                  "code_cat": tf.random.stateless_uniform(
                      [batch_size], self.next_seed(), 0, self.num_categories, tf.int32)}
        if self.continuous_codes:
            inputs["code_cont"] = tf.random.stateless_uniform(
                [batch_size, self.continuous_codes], self.next_seed(), -1.0, 1.0)
        return inputs

    def discriminate(self, images, inputs=None, training=False):
        return self.discriminator(images, training=training)[0]

    # ------------------------------------------------------------ the step
    def scheduled_weight(self, weight, late_weight, start, until=None):
        """`weight`, or `late_weight` from generator step `start` on (until
        step `until`, when set). The generator's step count is checkpointed,
        so a resumed run switches where an uninterrupted one does."""
        if late_weight is None:
            return weight
        step = self.g_optimizer.iterations
        late = step >= start
        if until is not None:
            late = tf.logical_and(late, step < until)
        return tf.where(late, late_weight, weight)

    def current_info_weight(self):
        """lambda for the categorical code (`late_info_weight`'s window)."""
        return self.scheduled_weight(self.info_weight, self.late_info_weight,
                                     self.late_info_step, self.late_info_until)

    def current_continuous_weight(self):
        """The continuous codes' weight (`late_continuous_weight` from
        `late_continuous_step` on)."""
        return self.scheduled_weight(self.continuous_weight, self.late_continuous_weight,
                                     self.late_continuous_step)

    def information_loss(self, codes, images):
        """-log Q(c | images) for the codes that drew them (lambda-weighted),
        and the categorical code's cross-entropy alone: minimising the first
        maximises the lower bound L_I."""
        _, cat_logits, means, *log_var = self.discriminator(images, training=True)
        categorical = losses.categorical_code_loss(cat_logits, codes["code_cat"])
        loss = self.current_info_weight() * categorical
        if self.continuous_codes:
            loss += self.current_continuous_weight() * losses.gaussian_code_loss(
                means, codes["code_cont"], log_var=log_var[0] if log_var else None,
                min_std=self.min_code_std)
        return loss, categorical

    def train_step(self, data):
        real, _ = self.unpack(data)
        batch = keras.ops.shape(real)[0]
        # D and Q: tell reals from fakes, and read the fakes' codes
        codes = self.sample_codes(batch)
        fake = self.generate_from(codes, training=True)
        with tf.GradientTape() as tape:
            gan_loss = losses.minimax_discriminator_loss(
                self.discriminate(real, training=True), self.discriminate(fake, training=True))
            info_loss, categorical = self.information_loss(codes, fake)
            d_loss = gan_loss + info_loss
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        # G: fool D, and draw codes Q can read
        codes = self.sample_codes(batch)
        with tf.GradientTape() as tape:
            fake = self.generate_from(codes, training=True)
            g_info, _ = self.information_loss(codes, fake)
            g_loss = losses.non_saturating_generator_loss(
                self.discriminate(fake, training=True)) + g_info
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        # The categorical part of the bound, H(c) - CE <= log K (c uniform).
        mi = math.log(self.num_categories) - cross_replica_sum(categorical)
        return self.track(d_loss=d_loss, g_loss=g_loss, info_loss=info_loss,
                          **self.shares(mi_categorical=mi))
