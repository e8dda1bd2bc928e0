"""StackGAN: Zhang et al. 2017, "StackGAN: Text to Photo-realistic Image
Synthesis with Stacked Generative Adversarial Networks".

Two stages, trained one after the other (sec. 3):

- **Conditioning augmentation** (sec. 3.1). The text embedding phi_t gives
  mu and log sigma^2 through a fully connected layer; the generator is
  conditioned on c = mu + sigma * eps, eps ~ N(0, I), and pays
  lambda * KL(N(mu, sigma^2) || N(0, I)) (eq. 4, lambda = 1), the KL
  averaged over c's dimensions as in the authors' code (summed, lambda = 1
  lets only a few nats of the caption through). At inference
  c = mu, so an exported model is a deterministic function of (text, z).
- **Stage-I** (sec. 3.2) draws a low-resolution image (64x64 in the paper)
  from [c, z]: a projection to 4x4, then nearest-neighbour upsampling +
  3x3 convolution blocks.
- **Stage-II** (sec. 3.3) refines Stage-I's output at 4x its size (256x256):
  it encodes the Stage-I image down 4x, joins the text again through its
  own conditioning augmentation, runs residual blocks and upsamples 16x. It
  takes no z; Stage-I is frozen while it trains. `upscale=2` makes Stage-II
  twice Stage-I's size instead, the step between StackGAN-v2's branches
  (Zhang et al. 2018).
- `unconditional_weight` adds StackGAN-v2's text-blind discriminator head
  and its loss (Zhang et al. 2018, sec. 4.1); 0 is the original StackGAN.
- `auxiliary_weight` adds TAC-GAN's auxiliary classifier (Dash et al. 2017,
  after AC-GAN, Odena et al. 2017): D also reads the scene's attributes
  (layout, colour, shape and size of each object) from real images, and G
  pays the same classifier's loss on its images against the caption's
  attributes. It needs the shapes dataset's labels; 0 is the original.
- `film=True` makes the generator's upsampling blocks text-modulated: their
  batch norm takes its scale and shift from c (FiLM, Perez et al. 2018;
  conditional batch norm, de Vries et al. 2017), so the caption shapes
  every resolution, not only the 4x4 start. False is the original.
- `discriminator="projection"` swaps the matching-aware discriminator's
  tiled text for a projection discriminator (Miyato & Koyama 2018): the
  logit is a linear function of pooled image features plus their inner
  product with a projection of the text. "matching" is the original.
- Both stages' discriminators are **matching-aware** (sec. 3.2, after
  Reed et al. 2016): real image + right text is real; real image + wrong
  text and fake + right text are fake. In the original ("matching") one
  the text enters as a compressed embedding tiled over the 4x4 feature map.
- `ema_decay` (a project option, off in the paper) samples, reports and
  exports through an exponential moving average of the trained stage's
  generator (the core's EMA; Yazici et al. 2019). Its batch-norm statistics
  are re-estimated before every checkpoint on real training captions with
  their training-time noise (`calibration_batches`).

`stage=1` builds and trains Stage-I at `image_shape`; `stage=2` builds the
whole stack, Stage-I at `image_shape / upscale` (loaded from the
`stage1_run` directory before training) and Stage-II at `image_shape`.
`python -m tfgan_zoo.recipes.stackgan` runs encoder, Stage-I and Stage-II.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.data import shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.text2image.base import TextConditionalModel
from tfgan_zoo.networks.text import (matching_discriminator, projection_discriminator,
                                     stage1_generator, stage2_generator)
from tfgan_zoo.optimizers import decay_settings
from tfgan_zoo.rundir.run import load_run

DISCRIMINATORS = ("matching", "projection")


# --------------------------------------------------------------------- model
@keras.saving.register_keras_serializable("tfgan_zoo")
class StackGAN(TextConditionalModel):
    """StackGAN Stage-I (`stage=1`) or the Stage-I + Stage-II stack (`stage=2`).

    Args:
        stage: 1 trains Stage-I at image_shape; 2 trains Stage-II at
            image_shape over a frozen Stage-I at image_shape / upscale.
        upscale: Stage-II's size over Stage-I's, 4 (the paper) or 2.
        ngf, ndf: generator / discriminator width of this stage.
        stage1_ngf: Stage-I generator width inside a stage-2 model.
        condition_dim: size of c, the augmented text code (N_g).
        discriminator_condition_dim: the matching discriminator's compressed text (N_d).
        kl_weight: lambda of eq. 4.
        residual_blocks: Stage-II residual blocks.
        stage1_run: run directory of the trained Stage-I (stage 2).
        unconditional_weight: weight of StackGAN-v2's unconditional loss
            (Zhang et al. 2018, sec. 4.1). Above 0, D gets a second,
            text-blind head that tells real images from generated ones, and
            both players add its loss at this weight; 0 is the original
            StackGAN.
        auxiliary_weight: weight of TAC-GAN's auxiliary attribute classifier
            loss for both players (see above); 0 is the original StackGAN.
        film: text-modulated batch norm in this stage's upsampling blocks
            (FiLM); False is the original StackGAN.
        discriminator: "matching" (the original, text tiled) or "projection".
        stage1_film: `film` of the Stage-I generator inside a stage-2 model.
        subpixel: up blocks as one sub-pixel convolution (same function, faster).
            Each up block's nearest-neighbour upsampling and 3x3
            convolution become one convolution at the low resolution
            (`networks.text.NearestUpConv2D`): the same function and
            weights, fewer FLOPs (the recipe's default).
        decay_after: learning rates decay linearly to 0 after this fraction of --steps.
            Both players' (`optimizers.linear_decay`, with `total_steps`);
            None (the paper's) keeps them constant.
        total_steps: length of the run in generator steps, for the decay;
            the trainer passes --steps.
    """

    loss_names = ("d_loss", "g_loss", "kl")
    # `ema_decay` averages the trained stage's generator (Stage-II's in a
    # stage-2 model); training reads the raw one, Stage-I stays frozen.
    supports_ema = True
    # One discriminator step per generator step, as in the paper.
    # The trainer passes --steps as `total_steps` (for `decay_after`).
    takes_total_steps = True
    derived_arguments = ("total_steps",)
    unused_hyperparameters = ("n_critic", *derived_arguments)
    path_hyperparameters = TextConditionalModel.path_hyperparameters + ("stage1_run",)
    # Small enough for the registry tests: 16x16 from a 4x4 Stage-I, with
    # the recipe's Stage-II networks (FiLM, projection discriminator) over
    # the original Stage-I ones (GAN-INT-CLS covers the matching-aware D).
    test_config = {"stage": 2, "ngf": 8, "ndf": 8, "stage1_ngf": 8, "condition_dim": 8,
                   "discriminator_condition_dim": 8, "word_dim": 8, "text_hidden": 8,
                   "embedding_dim": 16, "residual_blocks": 1, "film": True,
                   "discriminator": "projection"}

    def __init__(self, *, stage=1, ngf=64, ndf=64, stage1_ngf=64, condition_dim=128,
                 discriminator_condition_dim=128, kl_weight=1.0, residual_blocks=2,
                 stage1_run=None, unconditional_weight=0.0, auxiliary_weight=0.0, upscale=4,
                 film=False, discriminator="matching", stage1_film=False, subpixel=False,
                 decay_after=None, total_steps=None, **kwargs):
        super().__init__(**kwargs)
        self.decay_after, self.total_steps = decay_settings(decay_after, total_steps)
        if stage not in (1, 2):
            raise UserError(f"StackGAN stage must be 1 or 2, got {stage!r}")
        self.stage, self.kl_weight = int(stage), float(kl_weight)
        self.condition_dim = int(condition_dim)
        self.stage1_run = stage1_run
        if unconditional_weight < 0:
            raise UserError(f"unconditional_weight must be 0 or more, got {unconditional_weight}")
        self.unconditional_weight = float(unconditional_weight)
        if auxiliary_weight < 0:
            raise UserError(f"auxiliary_weight must be 0 or more, got {auxiliary_weight}")
        self.auxiliary_weight = float(auxiliary_weight)
        self.auxiliary_classes = shapes.ATTRIBUTE_CLASSES if self.auxiliary_weight else ()
        if discriminator not in DISCRIMINATORS:
            raise UserError(f"StackGAN discriminator must be one of "
                            f"{', '.join(DISCRIMINATORS)}, got {discriminator!r}")
        if discriminator == "projection" and self.unconditional_weight:
            raise UserError("the projection discriminator's linear term already is a "
                            "text-blind head: pass --unconditional-weight 0 or "
                            "--discriminator matching")
        self.film, self.stage1_film = bool(film), bool(stage1_film)
        self.subpixel = bool(subpixel)
        self._hyperparameters["subpixel"] = self.subpixel  # always in model.json
        self.stage1_ngf = int(stage1_ngf)
        if upscale not in (2, 4):
            raise UserError(f"StackGAN upscale must be 2 or 4, got {upscale!r}")
        self.upscale = int(upscale)
        height, width, channels = self.image_shape
        smallest = 4 if stage == 1 else 4 * self.upscale
        if height != width or height < smallest or height & (height - 1):
            raise UserError(f"StackGAN Stage-{'I' * stage} needs a square power-of-two "
                            f"image size of at least {smallest}, got {height}x{width}: "
                            f"pass --image-size (Stage-II is {self.upscale}x Stage-I)")
        if stage == 1:
            self.generator = stage1_generator(self.image_shape, self.embedding_dim,
                                              self.condition_dim, self.latent_dim, ngf,
                                              self.film, self.subpixel)
        else:
            low = (height // self.upscale, width // self.upscale, channels)
            self.stage1_generator = stage1_generator(
                low, self.embedding_dim, self.condition_dim, self.latent_dim, stage1_ngf,
                self.stage1_film, self.subpixel)
            self.stage1_generator.trainable = False
            self.generator = stage2_generator(self.image_shape, self.embedding_dim,
                                              self.condition_dim, ngf, residual_blocks,
                                              self.upscale, self.film, self.subpixel)
        if discriminator == "projection":
            self.discriminator = projection_discriminator(
                self.image_shape, self.embedding_dim, ndf, classes=self.auxiliary_classes)
        else:
            self.discriminator = matching_discriminator(
                self.image_shape, self.embedding_dim, discriminator_condition_dim, ndf,
                unconditional=self.unconditional_weight > 0, classes=self.auxiliary_classes)

    # ----------------------------------------------------------- generation
    def _eps(self, batch, seed=None):
        shape = [batch, self.condition_dim]
        return (tf.zeros(shape) if seed is None
                else tf.random.stateless_normal(shape, seed))

    def stage1_images(self, embedding, z, eps=None):
        """Stage-I's images (the frozen Stage-I of a stage-2 model; a
        Stage-I model's averaged generator where it keeps one)."""
        network = self.inference_generator() if self.stage == 1 else self.stage1_generator
        batch = tf.shape(embedding)[0]
        eps = self._eps(batch) if eps is None else eps
        return network([embedding, z, eps], training=False)[0]

    def sample_stage1(self, num, seed=0, text=None):
        """Stage-I's images (numpy, [-1, 1]) for the inputs `sample` uses."""
        inputs = self.example_inputs(num, seed)
        if text is not None:
            inputs["text"] = self._cycle(text, num)
        return self.stage1_images(self.embed(inputs["text"]),
                                  tf.constant(inputs["z"])).numpy()

    def generate_from_embedding(self, embedding, inputs, training=False):
        """c = mu (eps = 0) unless `inputs` hold `eps` (and, for Stage-II,
        `stage1_eps`, Stage-I's): the batch-norm re-estimation passes
        training-time noise."""
        z, batch = inputs["z"], tf.shape(embedding)[0]
        eps = inputs.get("eps")
        eps = self._eps(batch) if eps is None else tf.cast(eps, tf.float32)
        network = self.inference_generator(training)
        if self.stage == 1:
            return network([embedding, z, eps], training=training)[0]
        low = self.stage1_images(embedding, z, inputs.get("stage1_eps"))
        return network([low, embedding, eps], training=training)[0]

    def image_networks(self):
        if self.stage == 1:
            return [self.inference_generator()]
        return [self.stage1_generator, self.inference_generator()]

    def calibration_draws(self, batch_size, rng):
        """What the averaged generator's batch norm is re-estimated on,
        besides z from its prior: the text has no prior, so real training
        captions (`TextConditionalModel.calibration_captions`), and eps ~
        N(0, I) for each stage's conditioning augmentation, as in a
        training step (Stage-I's image follows from them)."""
        shape = (batch_size, self.condition_dim)
        draws = {"text": self.calibration_captions(batch_size, rng),
                 "eps": rng.standard_normal(shape, dtype=np.float32)}
        if self.stage == 2:
            draws["stage1_eps"] = rng.standard_normal(shape, dtype=np.float32)
        return draws

    # -------------------------------------------------------------- training
    def train_step(self, data):
        real, features = self.unpack(data)
        text = self.captions(features)
        batch = tf.shape(real)[0]
        z = self.sample_noise(batch)
        if self.stage == 2:  # Stage-I is fixed while Stage-II trains (sec. 3.3)
            low = self.stage1_images(text.right, z, self._eps(batch, self.next_seed()))
        # One generator pass serves both updates; D sees it without gradient.
        with tf.GradientTape() as g_tape:
            eps = self._eps(batch, self.next_seed())
            if self.stage == 1:
                fake, mu, logvar = self.generator([text.right, z, eps], training=True)
            else:
                fake, mu, logvar = self.generator([low, text.right, eps], training=True)
        # D: real/right is real; real/wrong and fake/right are fake.
        d_loss = self.matching_discriminator_step(real, fake, text)
        # G: fool D with the right text, plus lambda * KL (eq. 4 / eq. 6).
        with g_tape:
            kl = losses.gaussian_kl(mu, logvar, per_dimension=True)
            g_loss = self.generator_adversarial_loss(
                self.discriminator([fake, text.right], training=True), text) \
                + self.kl_weight * kl
        self.minimize(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss, kl=kl)

    # ------------------------------------------- the discriminator's extra heads
    def heads(self, outputs):
        """(text-conditional logits, text-blind logits or None, auxiliary
        class logits or None) of D's outputs: the extra heads are there
        when their weight is set."""
        if not isinstance(outputs, (list, tuple)):
            return outputs, None, None
        outputs = list(outputs)
        conditional = outputs.pop(0)
        image = outputs.pop(0) if self.unconditional_weight > 0 else None
        classes = outputs.pop(0) if self.auxiliary_weight > 0 else None
        return conditional, image, classes

    def discriminate(self, images, inputs=None, training=False):
        return self.heads(super().discriminate(images, inputs, training))[0]

    def captions(self, features):
        """The step's captions, with the scene's attribute labels for the
        auxiliary classifier."""
        text = super().captions(features)
        if not self.auxiliary_weight:
            return text
        if "attributes" not in features:
            raise UserError("an auxiliary classifier needs a dataset with attribute "
                            "labels (shapes_captions): pass --auxiliary-weight 0 "
                            "(--stage2-auxiliary-weight 0 for StackGAN's Stage-II)")
        return text._replace(labels=features["attributes"])

    def discriminator_loss(self, real_right, real_wrong, fake_right, text):
        """The matching-aware loss, plus StackGAN-v2's text-blind terms (real
        images are real, fakes fake, whatever the text) and the auxiliary
        classifier's loss on the real images' labels."""
        real_right, real_image, real_classes = self.heads(real_right)
        fake_right, fake_image, _ = self.heads(fake_right)
        loss = super().discriminator_loss(real_right, self.heads(real_wrong)[0], fake_right,
                                          text)
        if real_image is not None:
            loss += self.unconditional_weight * losses.minimax_discriminator_loss(
                real_image, fake_image)
        if real_classes is not None:
            loss += self.auxiliary_weight * losses.auxiliary_classifier_loss(
                real_classes, text.labels, self.auxiliary_classes)
        return loss

    def generator_adversarial_loss(self, outputs, text=None):
        """G's non-saturating loss, plus the text-blind head's and the
        auxiliary classifier's loss against the caption's labels."""
        conditional, image, classes = self.heads(outputs)
        loss = super().generator_adversarial_loss(conditional, text)
        if image is not None:
            loss += self.unconditional_weight * losses.non_saturating_generator_loss(image)
        if classes is not None:
            loss += self.auxiliary_weight * losses.auxiliary_classifier_loss(
                classes, text.labels, self.auxiliary_classes)
        return loss

    def load_pretrained(self):
        """Stage-I: the trained text encoder. Stage-II: also the trained
        Stage-I generator (and the encoder it was trained with) from
        `stage1_run`."""
        super().load_pretrained()
        if self.stage == 1 or not self.stage1_run:
            return
        source, _ = load_run(self.stage1_run)
        expected = tuple(self.stage1_generator.outputs[0].shape[1:])
        if (not isinstance(source, StackGAN) or source.stage != 1
                or source.image_shape != expected):
            raise UserError(f"{self.stage1_run} is not a StackGAN Stage-I run at "
                            f"{expected[0]}x{expected[1]}: pass the Stage-I run directory "
                            f"(Stage-II is {self.upscale}x Stage-I)")
        mine = {"latent_dim": self.latent_dim, "condition_dim": self.condition_dim,
                "ngf": self.stage1_ngf, "film": self.stage1_film, "vocabulary": self.vocabulary,
                "embedding_dim": self.embedding_dim, "max_length": self.max_length,
                "sentence_encoder": self.sentence_encoder}
        theirs = {"latent_dim": source.latent_dim, "condition_dim": source.condition_dim,
                  "ngf": source.get_config().get("ngf", 64), "film": source.film,
                  "vocabulary": source.vocabulary,
                  "embedding_dim": source.embedding_dim, "max_length": source.max_length,
                  "sentence_encoder": source.sentence_encoder}
        changed = [k for k in mine if mine[k] != theirs[k]]
        if changed:
            raise UserError(f"the Stage-I run {self.stage1_run} has a different "
                            f"{', '.join(changed)}: pass the same settings to Stage-II")
        # A Stage-I trained with an EMA draws through its averaged generator.
        self.stage1_generator.set_weights(source.inference_generator().get_weights())
        if not self.sentence_encoder:  # a sentence model is already loaded from its folder
            self.text_encoder.set_weights(source.text_encoder.get_weights())
