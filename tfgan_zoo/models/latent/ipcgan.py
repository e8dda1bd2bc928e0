"""IPCGAN: Wang, Tang, Luo & Gao 2018, "Face Aging with Identity-Preserved
Conditional Generative Adversarial Networks" (§3).

G(x, C_t) turns a face x to target age group t, given as one-hot maps
tiled over the image (C_t) and joined to x; a patch D judges (image, age
map) pairs with the least-squares GAN loss. D sees real faces with their
own age (real), real faces with a wrong age and G's outputs with their
target (both fake):

    L_D = 1/2 E(D(x, C_s) - 1)^2 + 1/4 E D(x, C_wrong)^2 + 1/4 E D(G(x, C_t), C_t)^2

G minimises (eq. 5)

    L_G = w_gan 1/2 E(D(G(x, C_t), C_t) - 1)^2
          + w_id  E |phi(x) - phi(G(x, C_t))|^2      (identity preservation)
          + w_age CE(A(G(x, C_t)), t)                  (age classification)
          [+ w_pix E |x - G(x, C_t)|^2]                (not in the paper; 0 by default)

with A an age classifier, pre-trained on real faces and then FROZEN, and
phi the feature map of its last convolution (the paper: an AlexNet age
classifier, conv5 features). The paper has no pixel term (nor has the
authors' code, nor guyuchao's port); `pixel_weight` is an option, off
unless set.

Pre-training and freezing A: the first `age_net_steps` steps of the run
train A (the `identity` player, its own optimizer) on REAL faces and
their true age groups only; from then on A is never updated again (its
optimizer's step count is the switch, so a resumed run keeps it). G and D
train from step 0, but the age term only counts once A is frozen: G never
meets a moving A, which is what let it learn patterns A and the judge
read as any age instead of ageing. The id term reads A from step 0.

Pitfall of the widely used port (guyuchao/IPCGANs-Pytorch): it parses
feature_loss_weight and age_loss_weight but computes
g_loss = age_loss + 75 gan_loss + feature_loss, dropping both. Here
every weight is a constructor argument, applied and unit-tested in the
composition. Defaults: w_gan 75 and w_age 30 as that port's flags;
w_id 1 instead of its 0.5e-4 (which was sized for AlexNet conv5 sums;
with this small net's features it would switch the term off).

Deviations, named: A is a small CNN pre-trained inside the run (the paper:
AlexNet pre-trained offline); G is a U-Net without dropout (the paper: a
residual encoder-decoder); 32 px (the paper: 128 px). `edit` serves
G(x, age).
"""

import keras
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import AdversarialModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.base import (IdentityPreserving, as_uint8, checked_groups,
                                          checked_images)
from tfgan_zoo.networks.image2image import patch_discriminator, unet_generator
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs


def age_maps(ages, num_ages, like):
    """One-hot age groups [B] tiled to maps [B, H, W, num_ages] like `like`."""
    one_hot = tf.one_hot(tf.cast(ages, tf.int32), num_ages, dtype=like.dtype)
    return tf.broadcast_to(one_hot[:, None, None, :],
                           tf.concat([tf.shape(like)[:3], [num_ages]], 0))


@keras.saving.register_keras_serializable("tfgan_zoo")
class IPCGAN(IdentityPreserving, AdversarialModel):
    """Face aging: a conditional G(x, target age maps), a least-squares
    patch D on (face, age maps), an identity-preserving feature loss and an
    age-classification loss through an age classifier.

    Args:
        num_ages: age groups; labels are identity * num_ages + age group.
        ngf, ndf, naf: widths of G, D and the age classifier.
        gan_weight, id_weight, age_weight: the weights of L_G's terms.
        pixel_weight: weight of an L2 pixel term to the input (not in the
            paper; 0 = off).
        age_net_steps: steps that pre-train the age classifier on real
            faces at the start of the run; it is frozen afterwards.
    """

    loss_names = ("d_loss", "g_loss", "id", "age", "age_net_loss")
    players = ("generator", "discriminator", "identity")
    unused_hyperparameters = ("latent_dim",)
    test_config = {"num_ages": 2, "ngf": 4, "ndf": 4, "naf": 4, "age_net_steps": 1}
    batch_layout = ("image", "label")
    dataset = "heads_aged"

    def __init__(self, *, num_ages=4, ngf=64, ndf=64, naf=32, gan_weight=75.0, id_weight=1.0,
                 age_weight=30.0, pixel_weight=0.0, age_net_steps=300, latent_dim=0,
                 **kwargs):
        super().__init__(latent_dim=0, **kwargs)
        if not self.num_classes or self.num_classes % num_ages:
            raise UserError(f"IPCGAN needs labels identity * {num_ages} + age group, i.e. "
                            f"num_classes a multiple of num_ages={num_ages}; got "
                            f"num_classes={self.num_classes} (use the heads_aged dataset)")
        height, width, channels = self.image_shape
        self.num_ages = int(num_ages)
        self.term_weights = {"gan": float(gan_weight), "id": float(id_weight),
                             "age": float(age_weight), "pixel": float(pixel_weight)}
        self.age_net_steps = int(age_net_steps)
        self.generator = unet_generator((height, width, channels + self.num_ages), channels,
                                        ngf, dropout=0)
        self.discriminator = patch_discriminator((height, width, channels + self.num_ages),
                                                 ndf, n_layers=2)
        self.build_identity(self.num_ages, naf)

    def generator_inputs(self):
        return {"image": Input.image(self.image_shape), "age": Input.label(self.num_ages)}

    def generate_from(self, inputs, training=False):
        x = tf.cast(inputs["image"], tf.float32)
        return tf.cast(self.generator(tf.concat([x, age_maps(inputs["age"], self.num_ages, x)],
                                                -1), training=training), tf.float32)

    def discriminate(self, images, inputs=None, training=False):
        ages = inputs["age"] if isinstance(inputs, dict) else inputs
        images = tf.cast(images, tf.float32)
        return self.discriminator(tf.concat([images, age_maps(ages, self.num_ages, images)],
                                            -1), training=training)

    # ------------------------------------------------------------ training
    def g_losses(self, real, fake, targets, age_on=1.0):
        """The terms of L_G (eq. 5), unweighted, and their weighted sum; the
        age term counts `age_on` times (0 while A is still pre-training)."""
        terms = {
            "gan": losses.least_squares_generator_loss(
                self.discriminate(fake, targets, training=True)),
            "id": losses.squared_error_loss(self.identity_features(fake, training=False),
                                            self.identity_features(real, training=False)),
            "age": losses.classification_loss(self.identity(fake, training=False), targets),
            "pixel": losses.squared_error_loss(fake, real),
        }
        weights = dict(self.term_weights, age=self.term_weights["age"] * age_on)
        return terms, tf.add_n([weights[k] * v for k, v in terms.items()])

    def age_net_frozen(self):
        """True once A has had its `age_net_steps` pre-training steps."""
        return self.identity_optimizer.iterations >= self.age_net_steps

    def train_step(self, data):
        real, labels = self.unpack(data)
        ages = tf.cast(labels, tf.int32) % self.num_ages
        n = tf.shape(real)[0]
        targets = tf.random.stateless_uniform([n], self.next_seed(), 0, self.num_ages, tf.int32)
        # Another group than each face's own: a "wrong age" pair for D.
        wrong = (ages + tf.random.stateless_uniform([n], self.next_seed(), 1, self.num_ages,
                                                    tf.int32)) % self.num_ages
        frozen = self.age_net_frozen()
        with tf.GradientTape() as tape:                          # A: real faces only
            age_net_loss = losses.classification_loss(self.identity(real, training=True), ages)
        self.minimize_if(tf.logical_not(frozen), self.identity_optimizer, tape, age_net_loss,
                         self.identity)
        with tf.GradientTape() as tape:
            fake = self.generate_from({"image": real, "age": targets}, True)
            terms, g_loss = self.g_losses(real, fake, targets, tf.cast(frozen, tf.float32))
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        with tf.GradientTape() as tape:
            real_logits = self.discriminate(real, ages, training=True)
            # 1/2 (D(x, C_s) - 1)^2 + 1/4 D(x, C_wrong)^2 + 1/4 D(G(x, C_t), C_t)^2
            d_loss = 0.5 * (losses.least_squares_discriminator_loss(
                real_logits, self.discriminate(real, wrong, training=True))
                + losses.least_squares_discriminator_loss(
                    real_logits, self.discriminate(tf.stop_gradient(fake), targets,
                                                   training=True)))
        self.minimize(self.d_optimizer, tape, d_loss, self.discriminator)
        return self.track(d_loss=d_loss, g_loss=g_loss, id=terms["id"], age=terms["age"],
                          age_net_loss=age_net_loss)

    # ------------------------------------------------------------ editing
    def edit(self, images, ages):
        """G(x, C_age): each face at age group `ages`."""
        images = checked_images(self, images)
        ages = tf.broadcast_to(checked_groups(ages, self.num_ages, "age groups are"),
                               tf.shape(images)[:1])
        return self.generate_from({"image": images, "age": ages})

    def export_endpoints(self, batch_size=None):
        inputs = self.generator_inputs()
        specs = {name: inputs[name].spec(name, batch_size) for name in inputs}

        def edit(values):
            return serving_outputs(self.edit(values["image"], values["age"]))

        endpoint = Endpoint("edit", edit, specs, image_outputs(self.image_shape, batch_size),
                            {name: inputs[name].example(2, 0) for name in inputs},
                            "image, age group -> G(x, C_age): the face aged or rejuvenated")
        return [endpoint, as_uint8(endpoint)]
