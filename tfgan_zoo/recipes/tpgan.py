"""Huang et al. 2017: TP-GAN on procedural 3-D heads (offline stand-in for
Multi-PIE): every view of 160 training identities at 13 yaws (-60..+60
degrees), paired with its landmarks and its identity's true frontal
render; after training, the 20 held-out identities of heads:test are
frontalised and scored (RUN/rotation/report.json: SSIM to the true
frontal render, the heads-pose-cnn and heads-id-cnn judges' pose
accuracy and verification EER; grid.png). Loss weights: the paper's."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.rotation import write_rotation_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="tpgan", model="tpgan", dataset="heads2frontal", image_size=32,
                steps=1500, batch_size=32, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"latent_dim": 64, "ngf": 32, "ndf": 32, "nlf": 16, "nif": 32,
                            "pixel_weight": 1.0, "sym_weight": 0.3, "adv_weight": 1e-3,
                            "ip_weight": 3e-3, "tv_weight": 1e-4})

after = write_rotation_report


if __name__ == "__main__":
    main(RECIPE, after=after)
