"""Caption faithfulness of a trained text-to-image run, as a markdown table.

    python benchmarks/text2image_faithfulness.py runs/stackgan [--num 512]

For a StackGAN recipe directory (OUT/stage2) it scores Stage-I and Stage-II;
for the other text recipes (OUT/gan) the GAN, and for semantic synthesis
also its source images before editing (the baseline an edit must beat).
Each row: how often the attribute classifier (tfgan_zoo.evaluation.faithfulness) reads every attribute
of the caption in the image (`all`) and per attribute kind, for generated
images, real images of the same captions, and the generated images scored
against shuffled captions; on seen (test) and held-out (zero-shot) captions;
and apart for one-object scenes (what to draw) and two-object scenes (what
and where: which object is above or left).
"""

import argparse
import json
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the --out directory of a text-to-image recipe")
    parser.add_argument("--num", type=int, default=512, help="captions per split")
    args = parser.parse_args()

    from tfgan_zoo.evaluation import faithfulness as fm
    from tfgan_zoo.rundir.run import load_run

    out = Path(args.out)
    run = out / "stage2" if (out / "stage2").is_dir() else out / "gan"
    model, _ = load_run(run)
    columns = [(f"{type(model).__name__} {model.image_shape[0]}px", None)]
    if hasattr(model, "source_images"):  # semantic synthesis: the images before editing
        columns.insert(0, ("source images, unedited", lambda caps, seed:
                           model.source_images(len(caps), seed)))
    if getattr(model, "stage", None) == 2:
        columns.insert(0, (f"Stage-I {model.image_shape[0] // 4}px", lambda caps, seed:
                           model.sample_stage1(len(caps), seed=seed, text=caps)))
    scores = fm.score_columns(model, columns, out / "classifier", num=args.num)
    rows, results = [], {}
    for title, by_split in scores.items():
        for split, s in by_split.items():
            results[f"{title} {split}"] = s
            parts = [(kind, "all", s[kind]) for kind in ("generated", "real", "shuffled")]
            parts += [(kind, f"{objects.replace('_', ' ')} ({s[objects]['captions']})",
                       s[objects][kind])
                      for objects in ("one_object", "two_objects") if objects in s
                      for kind in ("generated", "real")]
            for kind, scenes, v in parts:
                rows.append(f"| {title} | {split} | {scenes} | {kind} | {v['all']:.3f} "
                            f"| {v['layout']:.3f} | {v['colour']:.3f} | {v['shape']:.3f} "
                            f"| {v['size']:.3f} |")
    print(f"\nClassifier: {fm.NAME} (read at <= {fm.MAX_SIZE} px), {args.num} captions "
          "per split, one image each.\n")
    print("| model | captions | scenes | images | all | layout | colour | shape | size |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    (out / "report").mkdir(parents=True, exist_ok=True)
    (out / "report" / "faithfulness_benchmark.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
