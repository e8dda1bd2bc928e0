"""SNGAN with a projection discriminator (Miyato et al. 2018, "Spectral
Normalization for GANs"; Miyato & Koyama 2018, "cGANs with Projection
Discriminator"), with BigGAN's additions (Brock et al. 2019, "Large Scale
GAN Training for High Fidelity Natural Image Synthesis").

Algorithm 1 with the hinge loss (Lim & Ye 2017, as both papers train):

    for n_critic steps: fresh real (x, y); z ~ N(0, I)
        min_D  E relu(1 - D(x, y)) + E relu(1 + D(G(z, y), y))
    min_G  -E D(G(z, y), y)  [+ beta R_ortho(G)]

D is a spectrally normalised ResNet whose class enters by projection,
D(x, y) = psi(phi(x)) + embed(y)^T phi(x) (Miyato & Koyama, eq. 3); G is a
ResNet with class-conditional batch norm. Fakes are drawn for the labels of
the real batch, so both sides of D's loss see the same labels (the pitfall
of crcrpar/pytorch.sngan_projection#23 is pseudo-labels on the fake side).

BigGAN's extras, each a flag: a shared class embedding feeding every
conditional batch norm, hierarchical z (one chunk per block), spectral
norm in G too, orthogonal regularisation (beta = 1e-4, BigGAN §3.1),
optional self-attention, an EMA of G (the core's --ema-decay; BigGAN 0.9999), and
the truncation trick at sampling: `truncation` is an input of the served
generator (`tfgan_zoo.latent.truncate`, in the graph). BigGAN takes 2 D
steps per G step and SNGAN 5; `--n-critic` sets it.

`--conditioning concat` swaps the projection for the one-hot label joined
to D's hidden feature maps, the baseline of Miyato & Koyama's Table 1.
"""

import keras
import numpy as np

from tfgan_zoo import losses
from tfgan_zoo.core import ConditionalModel, Input
from tfgan_zoo.errors import UserError
from tfgan_zoo.latent import NO_TRUNCATION, truncate
from tfgan_zoo.models.noise2image.base import NoiseToImageGAN
from tfgan_zoo.networks.sngan import resnet_discriminator, resnet_generator


def check_truncation(value):
    """psi as a float > 0, or a one-line UserError naming the fix."""
    try:
        psi = np.asarray(value, np.float32)
    except (TypeError, ValueError):
        psi = np.asarray(np.nan)
    if psi.size == 0 or not np.all(np.isfinite(psi)) or np.any(psi <= 0):
        raise UserError(f"truncation must be a number > 0 (e.g. 0.5; {NO_TRUNCATION:g} or "
                        f"more means none), got {value!r}")
    return psi


@keras.saving.register_keras_serializable("tfgan_zoo")
class SNGAN(ConditionalModel, NoiseToImageGAN):
    """Class-conditional SN-ResNet GAN with a projection discriminator and
    BigGAN's extras.

    Args:
        ngf, ndf: widths of the generator's and discriminator's blocks.
        conditioning: how D reads the class, "projection" or "concat".
        shared_dim: size of BigGAN's shared class embedding; 0 gives
            SNGAN's class-conditional batch norm (one row per class).
        hierarchical_z: split z across the generator's blocks (BigGAN).
        g_spectral_norm: spectral norm in the generator too (BigGAN).
        ortho_weight: beta of the orthogonal regulariser on G (0: off).
        attention: feature-map size of a self-attention layer, 0 for none.
        truncation: psi of the truncation trick for sample grids and
            example inputs (None: no truncation).
    """

    loss_names = ("d_loss", "g_loss", "ortho")
    test_config = {"ngf": 8, "ndf": 8, "shared_dim": 8, "attention": 8,
                   "truncation": 1.5}

    def __init__(self, *, ngf=64, ndf=64, conditioning="projection", shared_dim=128,
                 hierarchical_z=True, g_spectral_norm=True, ortho_weight=1e-4,
                 attention=0, truncation=None, latent_dim=120, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        self.truncation = None if truncation is None else float(check_truncation(truncation))
        self.ngf, self.ndf, self.conditioning = ngf, ndf, conditioning
        self.ortho_weight = float(ortho_weight)
        self.generator = resnet_generator(
            self.latent_dim, self.image_shape, self.num_classes, ngf, shared_dim,
            hierarchical_z, g_spectral_norm, attention)
        self.discriminator = resnet_discriminator(
            self.image_shape, self.num_classes, ndf, conditioning, attention)
        # BigGAN regularises every weight matrix of G but the shared embedding.
        self.ortho_kernels = [w for w in self.generator.trainable_weights
                              if len(w.shape) >= 2 and "shared_embedding" not in w.path]

    def discriminator_loss(self, real_logits, fake_logits):
        """min_D E relu(1 - D(x, y)) + E relu(1 + D(G(z), y))"""
        return losses.hinge_discriminator_loss(real_logits, fake_logits)

    def generator_loss(self, fake_logits):
        """min_G -E D(G(z), y) + beta sum_W ||W^T W (.) (1 - I)||_F^2"""
        ortho = (losses.orthogonal_regularization(self.ortho_kernels, beta=self.ortho_weight)
                 if self.ortho_weight else 0.0)
        self.track(ortho=ortho)
        return losses.hinge_generator_loss(fake_logits) + ortho

    # ------------------------------------------------------- generator inputs
    def generator_inputs(self):
        psi = NO_TRUNCATION if self.truncation is None else self.truncation
        # int8 calibration sees the whole served range, not the grids' psi.
        calibration = lambda n, seed: np.random.default_rng(seed).uniform(  # noqa: E731
            0.1, NO_TRUNCATION, n).astype("float32")
        # A served psi <= 0 is refused in the graph (truncate floors psi at 1e-3).
        return {**super().generator_inputs(),
                "truncation": Input((), example=lambda n, seed: np.full(n, psi, "float32"),
                                    calibration=calibration, minimum=1e-3)}

    def generate_from(self, inputs, training=False):
        z = inputs["z"]
        if "truncation" in inputs:
            z = truncate(z, inputs["truncation"])
        return self.generate(z, inputs["label"], training=training)

    def sample(self, num, seed=0, labels=None, truncation=None, **inputs):
        if truncation is not None:
            inputs["truncation"] = np.broadcast_to(check_truncation(truncation), (num,))
        return super().sample(num, seed=seed, labels=labels, **inputs)
