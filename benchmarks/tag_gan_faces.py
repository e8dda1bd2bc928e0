"""The tag GAN on procedural cartoon faces: how a tag classifier reads
faces generated for seen and for held-out tag combinations, and DRAGAN
against no gradient penalty at equal steps, as markdown tables.

    python benchmarks/tag_gan_faces.py --out runs/bench-tag-gan [--steps 3000] [--no-gp]

Trains the `tag_gan` recipe (and with `--no-gp` the same with `--gp-weight
0`), or reuses finished runs in OUT. For each: 500 faces generated for the
tags of 500 real test faces (combinations seen in training) and 500 for
the tags of held-out faces (hair colour + eye colour pairs never seen),
read by the tag classifier (`tfgan_zoo.evaluation.tags`, trained on both
parts with other seeds): per tag group, the fraction read as asked. And
realism: the Fréchet distance on that classifier's 128-d features between
the generated faces and the real faces whose tags they were given
(fd[tags]).
"""

import json
from pathlib import Path

from _runs import arguments, step_flags, train_recipe


def main():
    parser = arguments(__doc__, "runs/bench-tag-gan", 500)
    parser.add_argument("--no-gp", action="store_true",
                        help="also train without DRAGAN's penalty (--gp-weight 0)")
    args = parser.parse_args()

    out = Path(args.out)
    steps = step_flags(args)
    runs = {"DRAGAN (lambda_gp = 0.5)": ("dragan", [])}
    if args.no_gp:
        runs["no gradient penalty"] = ("no_gp", ["--gp-weight", 0])
    timings = {title: train_recipe("tag_gan", out / folder, *steps, *flags)
               for title, (folder, flags) in runs.items()}

    from tfgan_zoo.data import cartoon_faces as faces
    from tfgan_zoo.evaluation import metrics as M
    from tfgan_zoo.evaluation.tags import (cached_tag_classifier, read_tags, tag_accuracy,
                                           tag_features)
    from tfgan_zoo.rundir.run import load_run

    results = {"timing": timings}
    groups = faces.GROUP_NAMES + ("all",)
    print(f"\n{args.num} faces per row; read by the tag classifier\n")
    print("| run | tags | " + " | ".join(groups) + " | fd[tags] |")
    print("|---|---|" + "---|" * (len(groups) + 1))
    for title, (folder, _) in runs.items():
        model, _ = load_run(out / folder)
        size = model.image_shape[0]
        classifier = cached_tag_classifier(size)
        for part, label in (("test", "seen combinations"), ("heldout", "held-out pairs")):
            real_images, tags = faces.generate(args.num, size, part)
            real_f = tag_features(classifier, real_images / 127.5 - 1.0)
            images = model.sample(args.num, seed=1, tags=tags)
            scores = tag_accuracy(read_tags(classifier, images), tags)
            fd = M.fid_from_features(real_f, tag_features(classifier, images))
            results[f"{title} {part}"] = {**scores, "fd": fd}
            print(f"| {title} | {label} | " + " | ".join(f"{scores[g]:.3f}" for g in groups)
                  + f" | {fd:.2f} |")
    for part, scores in classifier.accuracy.items():
        print(f"| real faces (classifier) | {part} | "
              + " | ".join(f"{scores[g]:.3f}" for g in groups) + " | |")
    print("\n| run | CPU | wall | load before / after |\n|---|---|---|---|")
    for title, t in timings.items():
        print(f"| {title} | {t['cpu_s'] / 60:.1f} min | {t['wall_s'] / 60:.1f} min "
              f"| {t['load'][0]} / {t['load'][1]} |")
    (out / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
