"""Wang et al. 2018: IPCGAN on procedural heads at 4 age groups (the CAAE
recipe's data and report: heads_aged, 32 px; RUN/aging/report.json with
the heads-age-cnn accuracy per target group and heads-skin-cnn skin-tone
retention on the held-out identities). Every loss weight is set here
explicitly (the reference port drops its feature and age weights).

Two departures from the paper's L_G, both measured (RESULTS, part B):
with its three terms alone (w_age 30, the age net frozen after 300
pre-training steps) G turns every face into coloured noise that the
frozen age net and the judge read as any requested age; an L2 pixel term
to the input (w_pix 100, not in the paper) and w_age 10 instead of 30
keep the face and let real age cues through (grey hair, a child's rounder
head). CAAE against IPCGAN: benchmarks/aging_checks.py."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.aging import write_aging_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="ipcgan", model="ipcgan", dataset="heads_aged", image_size=32,
                steps=1500, batch_size=32, g_lr=1e-4, d_lr=1e-4, beta_1=0.5, beta_2=0.99,
                model_args={"ngf": 32, "ndf": 32, "naf": 32, "gan_weight": 75.0,
                            "id_weight": 1.0, "age_weight": 10.0, "pixel_weight": 100.0,
                            "age_net_steps": 300})

after = write_aging_report


if __name__ == "__main__":
    main(RECIPE, after=after)
