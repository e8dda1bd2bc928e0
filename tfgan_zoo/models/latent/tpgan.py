"""TP-GAN: Huang, Zhang, Li & He 2017, "Beyond Face Rotation: Global and
Local Perception GAN for Photorealistic and Identity Preserving Frontal
View Synthesis".

G has two pathways (§3.1): a global encoder-decoder over the whole
profile, and four local encoder-decoders over landmark patches (both eyes,
nose, mouth) cropped at the input's landmarks, whose outputs are pasted at
the frontal template's landmarks and fused with the global features. G is
trained on (profile, true frontal) pairs with (eq. 1, §3.3 weights)

    L_syn = L_pixel + 0.3 L_sym + 1e-3 L_adv + 3e-3 L_ip + 1e-4 L_tv

L_pixel: multi-scale L1 to the frontal (32/16/8 px here) plus L1 of each
local output to the frontal's template patch (eq. 2); L_sym: |I - flip(I)|
in Laplacian space (eq. 3, the paper's fix for uneven light); L_adv: the
non-saturating GAN loss against D, which tells true frontals from
syntheses (eq. 4); L_ip: mean |phi(G(x)) - phi(y)| over the last two
layers (features, logits) of an identity network (eq. 5); L_tv: total
variation. Every weight is a constructor argument (`pixel_weight`, ...),
set explicitly and unit-tested in the composition.

Deviations, named: the paper's L_ip network is a Light-CNN pre-trained on
MS-Celeb-1M; none ships offline, so the identity net is a small CNN that
learns the training identities from the REAL views and frontals during
the same run (its own optimizer; never trained on G's outputs). The
paper's G joins a 100-d noise z to its bottleneck and emits 32/64/128 px
outputs; here z has the code's size, latent_dim (as in DR-GAN), is N(0, I)
while training and 0 when frontalising, and G emits one size (the coarser
scales of L_pixel pool it). Widths are DCGAN-sized for 32 px (the paper: 128 px).
Landmarks are an input, as in the paper (it crops at detected landmarks):
`landmarks` [B, 4, 2], the (x, y) of the eyes (image left, right), nose
and mouth as fractions of the side; `tfgan_zoo.data.heads.landmarks`
gives the exact ones of the procedural heads.
"""

import keras
import numpy as np
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.core import Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.latent.base import IdentityPreserving, LatentModel, identities_of
from tfgan_zoo.networks.dcgan import dcgan_discriminator
from tfgan_zoo.networks.latent import template_corners, two_pathway_generator
from tfgan_zoo.signatures import Endpoint, image_outputs, serving_outputs

# The mean frontal (yaw 0) landmarks of the heads source's training
# identities: eyes, nose, mouth as (x, y) fractions of the side.
FRONTAL_TEMPLATE = ((0.392, 0.444), (0.608, 0.444), (0.5, 0.542), (0.5, 0.65))


@keras.saving.register_keras_serializable("tfgan_zoo")
class TPGAN(IdentityPreserving, LatentModel):
    """Frontal view synthesis: a two-pathway (global + landmark patches)
    generator, trained on (view, true frontal) pairs.

    Args:
        num_poses: pose bins; labels are identity * num_poses + pose (the
            identity net learns label // num_poses).
        ngf, ndf: widths of the global pathway and the discriminator.
        nlf: width of each local (landmark patch) pathway.
        nif: width of the identity network behind L_ip.
        pixel_weight, sym_weight, adv_weight, ip_weight, tv_weight: the
            weights of L_pixel, L_sym, L_adv, L_ip and L_tv (paper: 1, 0.3,
            1e-3, 3e-3, 1e-4).
        template: the frontal (x, y) landmark positions where the local
            outputs are pasted.
    """

    loss_names = ("d_loss", "g_loss", "pixel", "symmetry", "ip", "id_loss")
    players = ("generator", "discriminator", "identity")
    test_config = {"num_poses": 2, "ngf": 4, "ndf": 4, "nlf": 4, "nif": 4}
    batch_layout = ("view", "landmarks", "frontal", "label")
    dataset = "heads2frontal"

    def __init__(self, *, num_poses=13, ngf=64, ndf=64, nlf=32, nif=32, pixel_weight=1.0,
                 sym_weight=0.3, adv_weight=1e-3, ip_weight=3e-3, tv_weight=1e-4,
                 template=FRONTAL_TEMPLATE, **kwargs):
        super().__init__(**kwargs)
        self.num_identities = identities_of(self, num_poses, self.dataset)
        height, width, _ = self.image_shape
        if height != width or height < 16 or height & (height - 1):
            raise UserError(f"TPGAN takes square images of a power-of-two side >= 16, got "
                            f"{height}x{width}: pass e.g. --image-size 32")
        self.template = tuple((float(x), float(y)) for x, y in template)
        if len(self.template) != 4 or not all(0 <= c <= 1 for p in self.template for c in p):
            raise UserError(f"template is 4 (x, y) landmark fractions in [0, 1] (eyes, nose, "
                            f"mouth), got {template!r}")
        self.num_poses = int(num_poses)
        self.ngf, self.ndf, self.nlf, self.nif = ngf, ndf, nlf, nif
        self.term_weights = {"pixel": float(pixel_weight), "sym": float(sym_weight),
                         "adv": float(adv_weight), "ip": float(ip_weight),
                         "tv": float(tv_weight)}
        self.patch = height // 4
        self.generator = two_pathway_generator(self.image_shape, self.latent_dim,
                                               self.latent_dim, self.template, ngf, nlf)
        self.encoder = keras.Model(self.generator.inputs[0],
                                   self.generator.get_layer("code").output, name="encoder")
        self.discriminator = dcgan_discriminator(self.image_shape, ndf)
        self.build_identity(self.num_identities, nif)

    def generator_inputs(self):
        return {"image": self.image_input(), "landmarks": Input(
            (4, 2), example=lambda n, seed: np.random.default_rng(seed + 1).uniform(
                0.2, 0.8, (n, 4, 2)).astype("float32"), minimum=0.0, maximum=1.0),
                "z": Input.noise(self.latent_dim)}

    def generate_from(self, inputs, training=False):
        return tf.cast(self.generator([inputs["image"], inputs["landmarks"], inputs["z"]],
                                      training=training)[0], tf.float32)

    def discriminate(self, images, inputs=None, training=False):
        return self.discriminator(images, training=training)

    def example_data(self, n, seed=0):
        """A (view, landmarks, frontal, label) training batch, for tests."""
        rng = np.random.default_rng(seed)
        images = rng.uniform(-1, 1, (2, n, *self.image_shape)).astype("float32")
        points = rng.uniform(0.2, 0.8, (n, 4, 2)).astype("float32")
        return images[0], points, images[1], (np.arange(n) % self.num_classes).astype("int32")

    # ------------------------------------------------------------ training
    def template_patches(self, images):
        """The frontal's patch at each template landmark (L_pixel's local terms)."""
        p = self.patch
        return [images[:, top:top + p, left:left + p]
                for top, left in template_corners(self.template, *self.image_shape[:2], p)]

    def generator_losses(self, fake, patches, frontal):
        """The terms of L_syn (eq. 1), unweighted, and their weighted sum."""
        terms = {
            "pixel": losses.multiscale_l1(fake, frontal) + tf.add_n(
                [losses.l1_loss(a, b) for a, b in zip(patches, self.template_patches(frontal))])
            / len(patches),
            "sym": losses.symmetry_loss(fake),
            "adv": losses.non_saturating_generator_loss(
                self.discriminator(fake, training=True)),
            "ip": self.identity_loss(fake, frontal),
            "tv": losses.total_variation(fake),
        }
        return terms, tf.add_n([self.term_weights[k] * v for k, v in terms.items()])

    def train_step(self, data):
        view, points, frontal, labels = self.unpack(data)
        identity = tf.cast(labels, tf.int32) // self.num_poses
        id_loss = self.identity_step([view, frontal], identity)      # real faces only
        with tf.GradientTape() as tape:
            fake, *patches = self.generator(
                [view, points, self.sample_noise(tf.shape(view)[0])], training=True)
            terms, g_loss = self.generator_losses(fake, patches, frontal)
        self.minimize(self.g_optimizer, tape, g_loss, self.generator)
        d_loss = self.minimax_discriminator_step(frontal, tf.stop_gradient(fake))
        return self.track(d_loss=d_loss, g_loss=g_loss, pixel=terms["pixel"],
                          symmetry=terms["sym"], ip=terms["ip"], id_loss=id_loss)

    # ------------------------------------------------------------ serving
    def checked_landmarks(self, landmarks, batch):
        landmarks = tf.cast(landmarks, tf.float32)
        if tf.executing_eagerly():
            values = landmarks.numpy()
            if values.shape != (batch, 4, 2) or not np.all((values >= 0) & (values <= 1)):
                raise UserError(f"landmarks are [batch, 4, 2]: (x, y) of the eyes, nose and "
                                f"mouth as fractions in [0, 1]; got shape {list(values.shape)}"
                                f", range [{values.min():.3g}, {values.max():.3g}]")
        return landmarks

    def frontalize(self, images, landmarks):
        """G(x, landmarks, z = 0): each view turned to the frontal pose."""
        images = self.check_images(images)
        return self.generate_from({"image": images, "landmarks": self.checked_landmarks(
            landmarks, images.shape[0]), "z": tf.zeros([tf.shape(images)[0], self.latent_dim])})

    edit = frontalize

    def latent_endpoints(self, batch_size=None):
        encode = super().latent_endpoints(batch_size)[0]
        points = tf.TensorSpec([batch_size, 4, 2], tf.float32, name="landmarks")

        def frontalize(inputs):
            return serving_outputs(self.frontalize(inputs["image"], inputs["landmarks"]))

        example = {**encode.example,
                   "landmarks": self.generator_inputs()["landmarks"].example(2, 0)}
        return [encode,
                Endpoint("frontalize", frontalize, {**encode.inputs, "landmarks": points},
                         image_outputs(self.image_shape, batch_size), example,
                         "image, landmarks [B, 4, 2] ((x, y) fractions of eyes, nose, mouth) "
                         "-> G(x, landmarks, z = 0), the frontal face (TP-GAN's two-pathway G)")]

    def card_notes(self):
        return {**super().card_notes(), "landmarks": (
            "landmarks are [B, 4, 2]: (x, y) of the left eye, right eye, nose and mouth "
            "(image left/right) as fractions of the side; the paper crops at detected "
            "landmarks, the heads source gives exact ones")}
