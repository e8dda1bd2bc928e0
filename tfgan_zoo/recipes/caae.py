"""Zhang et al. 2017: CAAE on procedural heads at 4 age groups (child,
young, middle, old; offline stand-in for UTKFace / CACD): 160 training
identities x 4 ages, frontal, 32 px; after training, the 80 faces of the
20 held-out identities of heads_aged:test are turned to every age group
and judged (RUN/aging/report.json: heads-age-cnn accuracy per target
group, heads-skin-cnn skin-tone retention; grid.png). The loss weights
are set here explicitly (the reference port's default zeroes both
adversarial terms). The z-adversary's weight, measured (RESULTS, part B):
at 0.01 and 0.1 E leaks the age into z and G mostly ignores the target
age; at 1.0 (the default) every target age is read, at the cost of
identity beyond skin tone (hair colour goes to the age's typical one)."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.aging import write_aging_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="caae", model="caae", dataset="heads_aged", image_size=32,
                steps=1500, batch_size=32, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                model_args={"latent_dim": 50, "ngf": 32, "ndf": 32, "nef": 32,
                            "rec_weight": 1.0, "img_weight": 1e-2, "z_weight": 1.0,
                            "tv_weight": 1e-3})

after = write_aging_report


if __name__ == "__main__":
    main(RECIPE, after=after)
