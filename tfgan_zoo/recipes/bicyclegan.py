"""Zhu et al. 2017: BicycleGAN on the embedded edges -> photo pairs (Canny
edges of scikit-image/scikit-learn photo patches, 32x32, offline): U-Net
G(A, z) with an 8-d z, ResNet encoder, two PatchGANs, λ_L1 10, λ_KL 0.01,
λ_z 0.5, Adam(2e-4, beta_1 0.5). Afterwards, on held-out pairs: PSNR/SSIM/MAE
of outputs from random and from encoded z, and the diversity over 8 random z,
go to RUN/metrics.json and a grid (edges, encoded-z output, photo, three
random z) to RUN/multimodal.png."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import bicyclegan_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="bicyclegan", model="bicyclegan", dataset="edges2photo",
                image_size=32, steps=1200, batch_size=8, g_lr=2e-4, d_lr=2e-4,
                beta_1=0.5, sample_every=400, checkpoint_every=400, num_samples=16,
                model_args={"latent_dim": 8, "ngf": 32, "ndf": 32, "nef": 32,
                            "d_layers": 2, "encoder_blocks": 3})


# Held-out measurements and pictures of the trained model (`reports`).
after = bicyclegan_report


if __name__ == "__main__":
    main(RECIPE, after=after)
