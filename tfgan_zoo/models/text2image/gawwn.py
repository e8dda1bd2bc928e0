"""GAWWN: Reed et al. 2016, "Learning What and Where to Draw" (NIPS 2016),
the bounding-box-conditional model (sec. 3.1).

The generator is told *what* (the caption) and *where* (bounding boxes):

- **Local pathway** (where). The compressed text code is tiled over an
  M x M grid (M = a quarter of the image size, 16 for the paper's 64 px)
  and zeroed outside the boxes, then convolved: the caption is written
  into the regions it must appear in.
- **Global pathway** (what). [z, text code] -> fully connected -> 4x4 ->
  upsampling to M x M, as in a DCGAN.
- The two are joined at M x M (with the box mask) and upsampled to the image.

The discriminator mirrors it: convolutions down to M x M, where the
box-masked text code and the mask are joined (does the region inside the
boxes match the words?), then down to 4x4 where the whole caption is
joined again, and one logit. It is matching-aware (GAN-CLS, Reed et al.
2016a): real image + right text is real, real image + wrong text and
fake + right text are fake; boxes are the real image's in all three.

Boxes are float32 [B, num_boxes, 4] as (y0, x0, y1, x1) in [0, 1], all-zero
rows for absent boxes. The shapes dataset has two per scene (one per
object); CUB one per bird. The paper's separate local and global
discriminator scores are merged into one logit here.
"""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.data import shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.text2image.base import TextConditionalModel
from tfgan_zoo.networks.text import gawwn_discriminator, gawwn_generator


@keras.saving.register_keras_serializable("tfgan_zoo")
class GAWWN(TextConditionalModel):
    """Generative Adversarial What-Where Network, bounding-box conditional.

    Args:
        ngf, ndf: generator / discriminator width.
        condition_dim: size of the compressed text code.
        num_boxes: bounding boxes per image (2 for the shapes, 1 for CUB).
    """

    unused_hyperparameters = ("n_critic",)
    test_config = {"ngf": 8, "ndf": 8, "condition_dim": 8, "word_dim": 8,
                   "text_hidden": 8, "embedding_dim": 16}

    def __init__(self, *, ngf=64, ndf=64, condition_dim=128, num_boxes=2, **kwargs):
        super().__init__(**kwargs)
        size = self.image_shape[0]
        if self.image_shape[1] != size or size < 16 or size & (size - 1):
            raise UserError(f"GAWWN needs a square power-of-two image size of at least 16, "
                            f"got {self.image_shape[0]}x{self.image_shape[1]}: pass "
                            "--image-size")
        self.num_boxes = int(num_boxes)
        self.generator = gawwn_generator(self.image_shape, self.embedding_dim, condition_dim,
                                         self.latent_dim, self.num_boxes, ngf)
        self.discriminator = gawwn_discriminator(self.image_shape, self.embedding_dim,
                                                 condition_dim, self.num_boxes, ndf)

    def generator_inputs(self):
        # Example boxes are those of the example captions (same cycling).
        bbox = Input((self.num_boxes, 4), example=lambda n, seed: self.boxes_for(
            self._cycle(self.sample_captions, n)), minimum=0.0, maximum=1.0)
        return {**super().generator_inputs(), "bbox": bbox}

    def boxes_for(self, captions):
        """Boxes [N, num_boxes, 4] for captions: the scene's own boxes for the
        shapes' example captions, else one centred box."""
        default = np.zeros((self.num_boxes, 4), np.float32)
        default[0] = (0.2, 0.2, 0.8, 0.8)
        found = shapes.boxes_for(captions) if self.vocabulary == shapes.VOCABULARY else []
        rows = []
        for i in range(len(captions)):
            box = found[i] if i < len(found) else None
            row = default.copy()
            if box is not None:
                row[:min(len(box), self.num_boxes)] = box[:self.num_boxes]
            rows.append(row)
        return np.stack(rows)

    def sample(self, num, seed=0, text=None, **inputs):
        if text is not None and "bbox" not in inputs:
            inputs["bbox"] = self.boxes_for(self._cycle(text, num))
        return super().sample(num, seed=seed, text=text, **inputs)

    def generate_from_embedding(self, embedding, inputs, training=False):
        return self.generator([embedding, inputs["z"], tf.cast(inputs["bbox"], tf.float32)],
                              training=training)

    def discriminator_extras(self, inputs):
        return [tf.cast(inputs["bbox"], tf.float32)]

    def _boxes(self, features):
        boxes = tf.cast(features["bbox"], tf.float32)
        have = tf.shape(boxes)[1]
        boxes = boxes[:, :self.num_boxes]
        return tf.pad(boxes, [[0, 0], [0, tf.maximum(self.num_boxes - have, 0)], [0, 0]])

    def train_step(self, data):
        real, features = self.unpack(data)
        text = self.captions(features)
        boxes = self._boxes(features)
        batch = tf.shape(real)[0]
        z = self.sample_noise(batch)
        with tf.GradientTape() as g_tape:
            fake = self.generator([text.right, z, boxes], training=True)
        # The matching-aware D, every pair seen with the scene's boxes.
        d_loss = self.matching_discriminator_step(real, fake, text, boxes)
        with g_tape:
            g_loss = losses.non_saturating_generator_loss(
                self.discriminator([fake, text.right, boxes], training=True))
        self.minimize(self.g_optimizer, g_tape, g_loss, self.generator)
        return self.track(d_loss=d_loss, g_loss=g_loss)
