"""Jin et al. 2017's tag-conditional generator (SRResNet-like G, ResNet D
with a multi-label tag head, DRAGAN) on procedural cartoon faces at 32 px,
the offline stand-in for their anime faces (`tfgan_zoo.data.cartoon_faces`).
Four residual blocks instead of the paper's 16, for the CPU budget, and
`--adversarial-weight 1` where the paper weighs the adversarial term by
the number of tags (14 here): at 300 steps (bf16) the paper's weight left
G's faces collapsed to one and its tags at chance (hair / eye colour read
0.11 / 0.20), weight 1 had them at 0.47 / 0.41 and rising. Two project
options on top (benchmarks/RESULTS.md, "Tag GAN: a real-only tag head
for G and an EMA"): `--g-tag-head real`, G's tag loss read off a second
tag head of D that learns from real faces only (with the paper's shared
AC-GAN head, G drew blue hair red and D's head still read it as blue),
and `--ema-decay 0.995`, sampling, export and the report from an average
of G over about the last 200 steps (the raw G's eye colour swung by up
to 0.3 between readings 500 steps apart). After training: the hair x eye
colour grid, yes/no tag switches, and how a tag classifier reads faces
drawn for test and held-out tag combinations (`RUN/report/`). Runs
started before these two options were the default resume with
`--g-tag-head shared --ema-decay 0`."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.tags import write_tag_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="tag_gan", model="tag_gan", dataset="cartoon_faces", image_size=32,
                steps=3000, batch_size=64, g_lr=2e-4, d_lr=2e-4, beta_1=0.5, beta_2=0.999,
                num_samples=60,
                model_args={"ngf": 32, "ndf": 32, "residual_blocks": 4, "adversarial_weight": 1.0,
                            "g_tag_head": "real", "ema_decay": 0.995})

after = write_tag_report


if __name__ == "__main__":
    main(RECIPE, after=after)
