"""ID-CGAN (Zhang, Sindagi & Patel 2017) for de-raining: rainy -> clean
photo patches (`derain`: procedural rain streaks on the embedded
scikit-image/scikit-learn photos; held-out photos for testing) at 64x64,
with the `idcgan` recipe's networks, loss and optimiser, but a residual
generator (`residual`: G's output is added to its input, DnCNN's residual
learning; not in the paper) and 500 steps. Rain covers a third of a patch;
the paper's G must redraw the rest too and damages it (36 % of its
held-out squared error is on pixels the rain left clean): +5.95 dB over the
rainy input after 1,500 steps, where the residual G gets +8.54 dB after 500
(benchmarks/RESULTS.md). Afterwards PSNR, SSIM, MAE and the high-frequency
error go to RUN/metrics.json and a rainy | de-rained | clean grid to
RUN/restorations.png."""

import dataclasses

from tfgan_zoo.recipes import idcgan
from tfgan_zoo.training.trainer import main

RECIPE = dataclasses.replace(
    idcgan.RECIPE, recipe="idcgan_derain", dataset="derain", steps=500,
    model_args={**idcgan.RECIPE.model_args, "residual": True})


# Held-out measurements and pictures of the trained model (`reports`).
after = idcgan.after


if __name__ == "__main__":
    main(RECIPE, after=after)
