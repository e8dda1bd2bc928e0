"""Deng et al. 2018: UV-GAN on procedural 3-D heads' UV textures (offline
stand-in for WildUV's 3DMM-fitted maps): for every view of 160 training
identities at 13 yaws, the texture that view sees, its missing mask and
the complete texture; after training, the 260 views of the 20 held-out
identities of heads2uv:test are completed and scored on the missing
texels (RUN/uv/report.json: PSNR, SSIM, and the mirror-fill baseline;
grid.png: partial, mirror fill, UV-GAN, truth). The L2-only comparison:
benchmarks/uvgan_checks.py. The adversarial and identity weights (1e-3,
1e-3, 1e-2) are a tenth of the model's defaults: against an L1 of about
0.03 on the missing texels the larger ones cost 2 dB of PSNR (measured,
RESULTS part B). The pixel term is each map's missing-texel MSE in dB
(`pixel_loss="log-mse"`, a project option; the model's default is the
L1), weight 0.01, which puts its gradient near the L1's at these errors:
over seeds 0 and 1 it gave 33.05 / 32.25 dB and SSIM 0.9645 / 0.9625,
against the L1 default's 31.50 dB / 0.9543 (seed 0) and the L2-only G's
31.80-32.32 dB, 0.9516-0.9563 (three runs; RESULTS part B). The gain is the pixel
term's: log-MSE with no adversarial, identity or symmetry term did as
well at seed 0 (33.09 dB / 0.9653)."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.uv import write_uv_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="uvgan", model="uvgan", dataset="heads2uv", image_size=32,
                steps=1500, batch_size=32, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"ngf": 32, "ndf": 32, "nif": 32, "pixel_loss": "log-mse",
                            "pixel_weight": 0.01, "global_weight": 1e-3,
                            "local_weight": 1e-3, "ip_weight": 1e-2, "sym_weight": 0.3})

after = write_uv_report


if __name__ == "__main__":
    main(RECIPE, after=after)
