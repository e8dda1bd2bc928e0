"""BEGAN's energy on real faces by hair colour: which faces does a trained
D auto-encode best? L(x) = mean |x - D(x)| over pixels, for seeded
`cartoon_faces` training faces, grouped by their hair-colour tag. On
mnist5k the energy fell with the ink and G slid to the 1s; this reads
whether the face stand-in's energy ranks hair colours the same way
(benchmarks/RESULTS.md, "BEGAN on cartoon faces").

    python benchmarks/began_energy.py RUN [--faces 2000] [--seed 5]
"""

import argparse

import numpy as np

from tfgan_zoo.data import cartoon_faces

HAIR = list(cartoon_faces.HAIR_COLOURS)


def energy_by_hair(discriminator, images, tags, batch=200):
    """{hair colour: (count, mean L(x), sd)} and the mean over all faces, for
    images in [-1, 1] and their tag vectors (cartoon_faces' layout)."""
    rebuilt = np.concatenate([np.asarray(discriminator(images[i:i + batch], training=False))
                              for i in range(0, len(images), batch)])
    energy = np.abs(rebuilt - images).mean(axis=(1, 2, 3))
    start, stop = cartoon_faces.group_slices()[0]  # the hair colours
    hair = np.asarray(tags)[:, start:stop].argmax(axis=1)
    rows = {name: (int((hair == i).sum()), float(energy[hair == i].mean()),
                   float(energy[hair == i].std()))
            for i, name in enumerate(HAIR) if (hair == i).any()}
    return rows, float(energy.mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="a BEGAN run directory trained on cartoon_faces")
    parser.add_argument("--faces", type=int, default=2000, help="training faces read")
    parser.add_argument("--seed", type=int, default=5, help="the faces' seed")
    args = parser.parse_args(argv)
    from tfgan_zoo.rundir.run import load_run

    model, _ = load_run(args.run)
    size = model.image_shape[0]
    images, tags = cartoon_faces.generate(args.faces, size, "train", seed=args.seed)
    rows, overall = energy_by_hair(model.discriminator, images.astype(np.float32) / 127.5 - 1.0,
                                   tags)
    print("| hair | faces | L(x) | sd |\n| --- | ---: | ---: | ---: |")
    for name, (count, mean, sd) in sorted(rows.items(), key=lambda row: row[1][1]):
        print(f"| {name} | {count} | {mean:.4f} | {sd:.4f} |")
    print(f"| all | {args.faces} | {overall:.4f} | |")
    return rows


if __name__ == "__main__":
    main()
