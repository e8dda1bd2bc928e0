"""Tag-conditional face generation after Jin et al. 2017, "Towards the
Automatic Anime Characters Creation with Generative Adversarial Networks":
an SRResNet-like generator fed noise and a tag vector, a ResNet
discriminator with a real/fake head and an AC-GAN-style multi-label tag
head, and DRAGAN's gradient penalty (Kodali et al. 2017) around the real
data. Trained here on procedural cartoon faces (`tfgan_zoo.data.cartoon_faces`),
since no anime data exists offline.

    for each step: real x with tags t; z ~ N(0, I)
        min_D  lambda_adv [-log D(x) - log(1 - D(G(z, t)))]
               + L_tags(D(x), t) + L_tags(D(G(z, t)), t)
               + lambda_gp (||grad D(x_hat)|| - 1)^2,  x_hat around x (DRAGAN)
        min_G  lambda_adv [-log D(G(z, t))] + L_tags(D(G(z, t)), t)

L_tags is a sigmoid cross-entropy per tag, summed (`losses.multilabel_loss`).
lambda_adv defaults to the number of tags and lambda_gp to 0.5, as in
bhpfelix's port (settings.py); Adam(2e-4, beta_1 = 0.5). D learns the tags
from real faces and from fakes, with the tags G was asked for (AC-GAN's
L_C; the port's main.py).

A project option, off by default (`g_tag_head="real"`): G's tag loss reads
a second linear tag head on D's features that D trains on real faces only,
while D's AC-GAN head still learns from both halves. With the paper's
shared head, D's fake half can learn whatever code G draws for a tag
(AC-GAN's shortcut), and G's tag loss is then satisfied by faces that only
D reads as that tag; a head that never sees a fake reads G's faces as the
real faces' tags.

One choice differs from the paper: Jin et al. sample each fake's tags
independently of the data; here fakes take the real batch's tags, so tag
combinations the data holds out (`cartoon_faces.HELD_OUT`) are never asked
of the generator in training, and sampling them afterwards is zero-shot.
"""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.data import cartoon_faces
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.tag_gan import tag_discriminator, tag_generator


@keras.saving.register_keras_serializable("tfgan_zoo")
class TagGAN(NoiseToImageGAN):
    """Jin et al.'s tag-conditional generator with DRAGAN and tag heads.

    Args:
        ngf, ndf: generator width; discriminator's first width.
        residual_blocks: residual blocks of the generator (16 in the paper).
        tag_groups: the tag layout: one size per group, > 1 for one-of-k
            groups (hair colour), 1 for a yes/no tag; the dataset's labels
            are multi-hot vectors of sum(tag_groups) entries.
        adversarial_weight: lambda_adv; None gives the number of tags.
        gp_weight: lambda of DRAGAN's gradient penalty (0: none).
        g_tag_head: which tag head G's tag loss reads: "shared" (the paper:
            D's AC-GAN head, trained on real faces and on fakes) or "real"
            (a project option: a second head that D trains on real faces
            only; D's loss adds its real-face tag loss).
    """

    loss_names = ("d_loss", "g_loss", "d_tag_loss", "g_tag_loss", "gradient_penalty")
    # Its own train_step: the shared step's options do not apply.
    unused_hyperparameters = NoiseToImageGAN.derived_arguments + NoiseToImageGAN.step_options
    test_config = {"ngf": 8, "ndf": 8, "residual_blocks": 1, "tag_groups": (3, 2, 1),
                   "num_classes": 6}
    # Runs saved before `g_tag_head` existed read the shared head.
    defaults_before = {"g_tag_head": "shared"}
    G_TAG_HEADS = ("shared", "real")

    def __init__(self, *, ngf=64, ndf=32, residual_blocks=16,
                 tag_groups=cartoon_faces.TAG_GROUPS, adversarial_weight=None,
                 gp_weight=0.5, g_tag_head="shared", latent_dim=128, num_classes=None,
                 **kwargs):
        groups = tuple(int(g) for g in tag_groups)
        if g_tag_head not in self.G_TAG_HEADS:
            raise UserError(f"--g-tag-head must be one of {', '.join(self.G_TAG_HEADS)}, "
                            f"got {g_tag_head!r}: pass --g-tag-head shared (the paper) or real")
        if not groups or min(groups) < 1:
            raise UserError(f"tag_groups must be sizes >= 1, got {tag_groups!r}")
        if num_classes is not None and num_classes != sum(groups):
            raise UserError(f"the tag GAN needs a tagged dataset whose labels have "
                            f"{sum(groups)} entries (e.g. cartoon_faces); this one has "
                            f"{num_classes} classes")
        super().__init__(latent_dim=latent_dim, num_classes=sum(groups), **kwargs)
        self.tag_groups, self.num_tags = groups, sum(groups)
        self.adversarial_weight = float(adversarial_weight or self.num_tags)
        self.gp_weight = float(gp_weight)
        self.g_tag_head = g_tag_head
        self.generator = tag_generator(self.latent_dim, self.image_shape, self.num_tags,
                                       ngf, residual_blocks)
        self.discriminator = tag_discriminator(self.image_shape, self.num_tags, ndf,
                                               real_tag_head=g_tag_head == "real")

    def train_step(self, data):
        real, tags = self.unpack(data)
        for real_batch, tag_batch in self.critic_batches(real, tags):
            z = self.sample_noise(keras.ops.shape(real_batch)[0])
            fake = self.generate(z, tag_batch, training=True)
            with tf.GradientTape() as tape:
                d_loss, logs = self.critic_loss(real_batch, fake, tag_batch)
            self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        z = self.sample_noise(keras.ops.shape(real_batch)[0])
        with tf.GradientTape() as tape:
            fake = self.generate(z, tag_batch, training=True)
            fake_logit, *fake_tags = self.discriminator(fake, training=True)
            # The last tag head: D's AC-GAN head, or the real-only one.
            g_tag_loss = losses.multilabel_loss(fake_tags[-1], tag_batch)
            g_loss = (self.adversarial_weight * losses.non_saturating_generator_loss(fake_logit)
                      + g_tag_loss)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, g_tag_loss=g_tag_loss, **logs)

    def critic_loss(self, real, fake, tags):
        """L(D) = lambda_adv L_adv(D) + L_cls(D) + lambda_gp GP. L_cls(D) is
        AC-GAN's L_C (Odena et al. 2017, §3), as bhpfelix's port writes it
        (`loss_d_real_tag + loss_d_fake_tag`): D reads the tags of the real
        faces *and* the tags G was asked for on its fakes. Without the fake
        half D's tag head never sees a fake, and G's tag loss is read off a
        head that knows nothing of G's faces. With g_tag_head="real" it adds
        the real faces' tag loss of the second head, the one G reads."""
        real_logit, real_tags, *real_only = self.discriminator(real, training=True)
        fake_logit, fake_tags, *_ = self.discriminator(fake, training=True)
        d_tag_loss = (losses.multilabel_loss(real_tags, tags)
                      + losses.multilabel_loss(fake_tags, tags))
        for head in real_only:
            d_tag_loss += losses.multilabel_loss(head, tags)
        penalty = (losses.dragan_penalty(
            lambda x: self.discriminator(x, training=True)[0], real,
            seed=self.next_seed()) if self.gp_weight else 0.0)
        d_loss = (self.adversarial_weight
                  * losses.minimax_discriminator_loss(real_logit, fake_logit)
                  + d_tag_loss + self.gp_weight * penalty)
        return d_loss, {"d_tag_loss": d_tag_loss, "gradient_penalty": penalty}

    # ------------------------------------------------------- generator inputs
    def generator_inputs(self):
        groups = self.tag_groups
        return {**super().generator_inputs(),
                "tags": Input((self.num_tags,), example=lambda n, seed: cartoon_faces.sample_tags(
                    n, groups, seed, order=True))}

    def calibration_draws(self, batch_size, rng):
        """Tags drawn as `cartoon_faces.sample_tags` draws them (one value
        per one-of-k group, yes/no at 1/2): the tag input has no prior the
        shared `draw_prior` reads, so without this `recalibrate_ema` would
        leave the averaged generator's batch-norm statistics as copied from
        the raw one."""
        return {"tags": cartoon_faces.sample_tags(batch_size, self.tag_groups,
                                                  seed=int(rng.integers(2**31)))}

    def generate_from(self, inputs, training=False):
        return self.generate(inputs["z"], inputs["tags"], training=training)

    def generate(self, z, labels=None, training=False):
        tags = tf.cast(labels, tf.float32)
        return tf.cast(self.inference_generator(training)([z, tags], training=training),
                       tf.float32)

    def discriminate(self, images, inputs=None, training=False):
        return self.discriminator(images, training=training)

    def unpack(self, data):
        images, tags = super().unpack(data)
        if tags is None or len(tags.shape) != 2:
            raise UserError("the tag GAN trains on a tagged dataset (multi-hot labels), "
                            "e.g. --dataset cartoon_faces")
        return images, tags

    def example_data(self, n):
        """A batch layout for tests: random images and valid tag vectors."""
        rng = np.random.default_rng(0)
        images = rng.uniform(-1, 1, (n, *self.image_shape)).astype("float32")
        return images, cartoon_faces.sample_tags(n, self.tag_groups, seed=1)

    def sample(self, num, seed=0, tags=None, **inputs):
        """`tags`: tag names ("pink hair", "green eyes", "glasses", ...)
        for every image (the rest drawn at random), or tag vectors."""
        if tags is not None:
            if all(isinstance(t, str) for t in np.atleast_1d(tags)):
                if self.tag_groups != cartoon_faces.TAG_GROUPS:
                    raise UserError("tag names are cartoon_faces tags; this model has "
                                    f"tag groups {self.tag_groups}: pass tag vectors")
                names = [str(t) for t in np.atleast_1d(tags)]
                tags = np.stack([cartoon_faces.encode_tags(names, seed + i) for i in range(num)])
            inputs["tags"] = np.asarray(tags, "float32")
        return super().sample(num, seed=seed, **inputs)
