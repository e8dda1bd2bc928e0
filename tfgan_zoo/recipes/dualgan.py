"""Yi et al. 2017: DualGAN on the embedded photo2recolor domains (unpaired,
offline) at 32x32: U-Net generators and PatchGAN discriminators as in the
paper, with the adversarial loss, weight and D/G balance of the authors'
released code (duxingren14/DualGAN: sigmoid cross-entropy, L1 reconstruction
weight 20, one discriminator update per generator update) and Adam 2e-4
(beta_1 0.5). Afterwards the held-out cycle-reconstruction error (and
PSNR/SSIM/MAE against the known recolouring) go to RUN/metrics.json.

The paper's own setting (clipped Wasserstein critics, weight 500, two critic
updates, RMSProp 5e-5), the default until 2026-12, is

    --adversarial wasserstein --reconstruction-weight 500 --n-critic 2
    --optimizer rmsprop --g-lr 5e-5 --d-lr 5e-5

At 1,000 steps it left the generators as near-grey autoencoders: the critic
term was ~1e-3 against ~300 of reconstruction (benchmarks/RESULTS.md, "Image
to image")."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.image2image import write_translation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="dualgan", model="dualgan", dataset="photo2recolor",
                image_size=32, steps=1000, batch_size=4, g_lr=2e-4, d_lr=2e-4,
                beta_1=0.5, sample_every=500, checkpoint_every=500, num_samples=16,
                model_args={"ngf": 16, "ndf": 32, "d_layers": 2,
                            "adversarial": "non_saturating",
                            "reconstruction_weight": 20.0, "n_critic": 1})


# Held-out measurements and pictures of the trained model (`reports`).
after = write_translation_report


if __name__ == "__main__":
    main(RECIPE, after=after)
