"""Semantic image synthesis: Dong, Yu, Wu & Guo 2017, "Semantic Image
Synthesis via Adversarial Learning" (ICCV 2017).

The generator edits an image to match a sentence: an encoder takes the
image down 4x, the compressed text code is tiled and joined, residual
blocks transform the joint features and a decoder brings them back to the
image size. There is no noise z: the source image is the randomness.

The discriminator is matching-aware, with the three terms of sec. 3.2:

    L_D = -[ log D(x, t) + log(1 - D(x, t_hat)) + log(1 - D(G(x, t_hat), t_hat)) ]
    L_G = -log D(G(x, t_hat), t_hat)

a real image with its matching text is real, a real image with mismatched
text is fake, and the generator's output for a relevant (mismatched)
sentence t_hat is fake. G only ever sees mismatched sentences, so to fool
D it must change what the sentence changes (colour, shape, ...) and keep
what makes the image look real. Here t_hat is the caption of another image
in the batch.

Generator inputs: `image` float32 [B, H, W, C] in [-1, 1] and `text`; an
image of another size is refused with a UserError.
"""

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.data import shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.text2image.base import TextConditionalModel
from tfgan_zoo.networks.text import edit_generator, matching_discriminator


@keras.saving.register_keras_serializable("tfgan_zoo")
class SemanticSynthesis(TextConditionalModel):
    """Text-guided image editing GAN.

    Args:
        ngf, ndf: generator / discriminator width.
        condition_dim: size of the compressed text code.
        residual_blocks: residual blocks between encoder and decoder.
    """

    unused_hyperparameters = ("n_critic", "latent_dim")
    test_config = {"ngf": 8, "ndf": 8, "condition_dim": 8, "word_dim": 8,
                   "text_hidden": 8, "embedding_dim": 16, "residual_blocks": 1}

    def __init__(self, *, ngf=64, ndf=64, condition_dim=128, residual_blocks=2, **kwargs):
        kwargs.pop("latent_dim", None)  # no noise: the source image varies
        super().__init__(latent_dim=0, **kwargs)
        size = self.image_shape[0]
        if self.image_shape[1] != size or size < 8 or size & (size - 1):
            raise UserError(f"semantic synthesis needs a square power-of-two image size of "
                            f"at least 8, got {self.image_shape[0]}x{self.image_shape[1]}: "
                            "pass --image-size")
        self.generator = edit_generator(self.image_shape, self.embedding_dim, condition_dim,
                                        ngf, residual_blocks)
        self.discriminator = matching_discriminator(
            self.image_shape, self.embedding_dim, condition_dim, ndf, joint_kernel=1)

    # ----------------------------------------------------------- inputs
    def generator_inputs(self):
        # Each image is asked for another image's caption: an edit.
        captions = self.sample_captions
        text = dataclasses.replace(super().generator_inputs()["text"], example=lambda n, seed:
                                   np.array([captions[(i + 1) % len(captions)]
                                             for i in range(n)]))
        return {"image": Input(self.image_shape, example=self.source_images,
                                minimum=-1.0, maximum=1.0), "text": text}

    def source_images(self, n, seed=0):
        """n source images: test scenes of the shapes (RGB models on their
        vocabulary), else seeded uniform noise; `seed` offsets the scenes."""
        if self.vocabulary == shapes.VOCABULARY and self.image_shape[2] == 3:
            data = shapes.generate(64, self.image_shape[0], 7, "test")
            index = (seed + np.arange(n)) % len(data.images)
            return (data.images[index] / 127.5 - 1.0).astype("float32")
        rng = np.random.default_rng(seed)
        return rng.uniform(-1, 1, (n, *self.image_shape)).astype("float32")

    def generate_from_embedding(self, embedding, inputs, training=False):
        image = tf.convert_to_tensor(inputs["image"])
        if image.shape.rank != 4 or (image.shape[1] is not None and
                                     tuple(image.shape[1:]) != self.image_shape):
            raise UserError(f"semantic synthesis edits images of shape "
                            f"{self.image_shape}, got {tuple(image.shape[1:])}: resize the "
                            f"image to {self.image_shape[0]}x{self.image_shape[1]} (or train "
                            "at its size with --image-size)")
        return self.generator([tf.cast(image, tf.float32), embedding], training=training)

    def edit(self, images, captions):
        """Images (numpy, [-1, 1]) edited to match `captions` (one each)."""
        captions = self._cycle(captions, len(images))
        return self.generate_from({"image": tf.constant(np.asarray(images, np.float32)),
                                   "text": tf.constant(captions)}).numpy()

    # ---------------------------------------------------------- training
    def train_step(self, data):
        real, features = self.unpack(data)
        text = self.captions(features)
        with tf.GradientTape() as g_tape:
            fake = self.generator([real, text.wrong], training=True)  # G(x, t_hat)
        with tf.GradientTape() as tape:
            d_loss = losses.semantic_synthesis_discriminator_loss(
                self.discriminator([real, text.right], training=True),
                self.discriminator([real, text.wrong], training=True),
                self.discriminator([tf.stop_gradient(fake), text.wrong], training=True),
                mismatch=text.mismatch)
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        with g_tape:
            g_loss = losses.non_saturating_generator_loss(
                self.discriminator([fake, text.wrong], training=True))
        self.minimize(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)
