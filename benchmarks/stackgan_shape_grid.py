"""Does a StackGAN run draw the shape a caption names, for every colour?

    python benchmarks/stackgan_shape_grid.py RUN_DIR OUT.png

For each colour and shape, "a large <colour> <shape>" (and "a small ..." in
the grid) is drawn from noise seed 3. The 64 px attribute classifier of
runs/stackgan/classifier (or --classifier DIR) reads the shape of 32 large
draws per caption, and one line per colour prints what it read, e.g.
`squ->cstc:0/32/0/0` (32 of the draws for "square" read as squares). The
held-out pairs (green square, yellow circle, purple triangle, white cross)
were never in training. OUT.png has one row per size and colour and two
columns per shape (circle, square, triangle, cross), two draws each.
"""

import argparse
from pathlib import Path

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("out")
    parser.add_argument("--classifier", default="runs/stackgan/classifier")
    args = parser.parse_args(argv)

    import tensorflow as tf
    from PIL import Image

    from tfgan_zoo.text import faithfulness as fm, shapes
    from tfgan_zoo.trainer import load_run

    model, _ = load_run(args.run)
    size = model.image_shape[0]
    classifier = fm.train_attribute_classifier(
        size, Path(args.classifier) / f"attributes-{fm.classifier_size(size)}.weights.h5")
    factor = size // fm.classifier_size(size)
    initials = "".join(s[0] for s in shapes.SHAPES)
    shape0 = shapes.ATTRIBUTES.index("shape0")
    draws = {}  # (size, colour, shape) -> images; the grid shows the first two
    for colour in shapes.COLOUR_NAMES:
        cells = []
        for shape in shapes.SHAPES:
            images = draws["large", colour, shape] = model.sample(
                32, seed=3, text=f"a large {colour} {shape}")
            if factor > 1:
                images = tf.nn.avg_pool2d(images, factor, factor, "VALID").numpy()
            read = fm.read_attributes(classifier, images)[:, shape0]
            counts = "/".join(str(n) for n in np.bincount(read, minlength=len(shapes.SHAPES)))
            cells.append(f"{shape[:3]}->{initials}:{counts}")
        print(colour.ljust(7), "  ".join(cells))
    for colour in shapes.COLOUR_NAMES:
        for shape in shapes.SHAPES:
            draws["small", colour, shape] = model.sample(
                2, seed=3, text=f"a small {colour} {shape}")
    rows = [np.concatenate([np.concatenate(list(draws[z, c, s][:2]), 1) for s in shapes.SHAPES], 1)
            for z in ("large", "small") for c in shapes.COLOUR_NAMES]
    grid = ((np.concatenate(rows, 0) + 1.0) * 127.5).clip(0, 255).astype("uint8")
    Image.fromarray(grid).save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
