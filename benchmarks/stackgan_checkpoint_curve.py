"""How a StackGAN run's caption faithfulness moves from checkpoint to
checkpoint: one JSON line per kept step.

    python benchmarks/stackgan_checkpoint_curve.py OUT/stage2 STEP [STEP ...] \
        [--classifier OUT/classifier] [--average] [--raw]

Each step's Stage-II is loaded (`load_run(run, step=N)`) and read by the
attribute classifier in --classifier (the recipe's report keeps its own in
OUT/classifier; trained there if absent) on the 256 test and held-out
captions of `faithfulness.faithfulness`: one-object shape and size,
two-object colour and shape, and `all`. `--average` also reads one model
whose generator weights (batch-norm statistics included) are the mean of
the listed steps'. A run with an EMA (`--stage2-ema-decay`) is read through
its averaged generator, as its samples and report are; `--raw` reads the
raw generator of the same checkpoints instead. Keep the checkpoints with the
run's `--keep-checkpoints`.
"""

import argparse
import json


def scores(model, classifier):
    from tfgan_zoo.evaluation import faithfulness as fm
    out = {}
    for split in ("test", "heldout"):
        r = fm.faithfulness(model, classifier, split, num=256)
        one, two = r["one_object"]["generated"], r["two_objects"]["generated"]
        out[split] = {"one_shape": round(one["shape"], 3), "one_size": round(one["size"], 3),
                      "two_colour": round(two["colour"], 3),
                      "two_shape": round(two["shape"], 3),
                      "all": round(r["generated"]["all"], 3)}
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="a Stage-II run directory (OUT/stage2)")
    parser.add_argument("steps", type=int, nargs="+")
    parser.add_argument("--classifier", default=None,
                        help="attribute classifier directory (default: the run's OUT/classifier)")
    parser.add_argument("--average", action="store_true")
    parser.add_argument("--raw", action="store_true",
                        help="read the raw generator of a run that keeps an EMA")
    args = parser.parse_args(argv)

    from pathlib import Path

    import numpy as np

    from tfgan_zoo.evaluation import faithfulness as fm
    from tfgan_zoo.rundir.run import load_run

    classifier_dir = args.classifier or Path(args.run).resolve().parent / "classifier"
    weights, model, classifier = [], None, None
    for step in args.steps:
        model, _ = load_run(args.run, step=step)
        if args.raw:
            model.ema_decay = None  # `inference_generator` is then the raw one
        if classifier is None:
            classifier = fm.cached_classifier(model.image_shape[0], classifier_dir)
        print(json.dumps({"step": step, **scores(model, classifier)}), flush=True)
        weights.append(model.inference_generator().get_weights())
    if args.average:
        model.inference_generator().set_weights([np.mean(w, axis=0) for w in zip(*weights)])
        print(json.dumps({"mean_of_steps": args.steps, **scores(model, classifier)}),
              flush=True)


if __name__ == "__main__":
    main()
