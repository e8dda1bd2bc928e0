"""Does a StackGAN run draw the shape a caption names, for every colour?

    python benchmarks/stackgan_shape_grid.py RUN_DIR OUT.png [--classifier DIR]

For each colour and shape, the attribute classifier of --classifier
(default runs/stackgan/classifier) reads the shape of 32 draws of
"a large <colour> <shape>" from noise seed 3
(`tfgan_zoo.evaluation.faithfulness.shape_table`), and one line per colour prints
what it read, e.g. `squ->cstc:0/32/0/0` (32 of the draws for "square" read
as squares). The held-out pairs (green square, yellow circle, purple
triangle, white cross) were never in training. OUT.png is
`tfgan_zoo.reports.text2image.shape_grid`: a row per size and colour, a column
pair per shape (circle, square, triangle, cross); the recipe's report
writes the same grid as report/shapes.png.
"""

import argparse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("out")
    parser.add_argument("--classifier", default="runs/stackgan/classifier")
    args = parser.parse_args(argv)

    from tfgan_zoo.evaluation import faithfulness as fm
    from tfgan_zoo.data import shapes
    from tfgan_zoo.reports.text2image import shape_grid
    from tfgan_zoo.rundir.run import load_run

    model, _ = load_run(args.run)
    table = fm.shape_table(model, fm.cached_classifier(model.image_shape[0], args.classifier))
    initials = "".join(s[0] for s in shapes.SHAPES)
    for colour, row in table.items():
        print(colour.ljust(7), "  ".join(
            f"{shape[:3]}->{initials}:{'/'.join(map(str, counts))}"
            for shape, counts in row.items()))
    right = fm.pairs_drawn_right(table)
    print(f"drawn as the named shape in most draws: {right['seen']['right']} of "
          f"{right['seen']['pairs']} seen pairs, {right['heldout']['right']} of "
          f"{right['heldout']['pairs']} held-out")
    shape_grid(model, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
