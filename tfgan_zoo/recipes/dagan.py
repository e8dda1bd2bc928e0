"""Yang et al. 2018: DAGAN compressed-sensing MRI reconstruction on axial
slices of the MNI152 T1 template (`mri_slices:axial`, offline with the
`mri` extra: pip install tfgan_zoo[mri]), 128x128, a Gaussian-1D k-space
mask at 30 % (seeded), the refinement U-Net (32 wide) and DAGAN's
discriminator (16 wide), L_G = adversarial + 15 NMSE + 0.1 frequency
(no VGG term: no weights offline), Adam(1e-4, beta_1 0.5) as the reference.
Afterwards NMSE, PSNR and SSIM of DAGAN and of the zero-filled
reconstruction on the held-out slab (and dipy's real slice, if installed)
go to RUN/metrics.json and a zero-filled | DAGAN | truth | error grid to
RUN/reconstructions.png."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.restoration import dagan_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dagan", model="dagan", dataset="mri_slices:axial", image_size=128,
                steps=1500, batch_size=8, g_lr=1e-4, d_lr=1e-4, beta_1=0.5,
                sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 16, "mask": "gaussian1d",
                            "sampling_rate": 0.3})


# Held-out measurements and pictures of the trained model (`reports`).
after = dagan_report


if __name__ == "__main__":
    main(RECIPE, after=after)
