"""3D-GAN's checks on procedural voxel furniture (Wu et al. 2016; targets
from the project's brief), on the held-out shapes of furniture:test:

    python benchmarks/gan3d_checks.py [--out runs/bench/gan3d] [--steps N] [--num 500]
                                      [--checkpoint STEP] [--raw-g]

Trains the `gan3d` recipe (or reuses a finished run in --out), then scores
--num samples (`tfgan_zoo.reports.volume`): the voxel classifier's mean
max-prob (>= 0.8) and class shares (each 10-25 %), IoU coverage (>= half of
the held-out shapes have a sample within IoU 0.5), and D features + linear
SVM on held-out shapes (>= 0.8). Beside the SVM figure it prints the same
SVM on the features of an untrained D of the same widths: the baseline that
says how much of that accuracy training gave. A run trained with
--ema-decay samples from the average of G; --raw-g scores its raw G instead
(the same training, the same D). Writes OUT/checks.json (OUT/checks-STEP.json
for the checkpoint at STEP, OUT/checks-raw*.json with --raw-g) and prints one
table row per check."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from _runs import arguments, trained_run  # noqa: E402
from tfgan_zoo.models.volume.gan3d import GAN3D  # noqa: E402
from tfgan_zoo.reports.volume import TARGETS, volume_report  # noqa: E402


def untrained_svm(model, seed):
    """The report's SVM figure for a freshly initialised D of `model`'s shape."""
    fresh = GAN3D(image_shape=model.image_shape, latent_dim=model.latent_dim,
                  ngf=model.ngf, ndf=model.ndf, seed=seed)
    fresh.build_networks()
    return volume_report(fresh, samples=100, classifier_steps=1)[0]["d_feature_svm_accuracy"]


def main():
    parser = arguments(__doc__, "runs/bench/gan3d", 500, checkpoint=True)
    parser.add_argument("--raw-g", action="store_true",
                        help="sample from the raw G of a run trained with --ema-decay")
    args = parser.parse_args()
    timing, model, config = trained_run("gan3d", args)
    if args.raw_g:
        if not model.ema_decay:
            parser.error("--raw-g: this run keeps no EMA of G (trained without --ema-decay)")
        model.ema_decay = None  # inference_generator is then the raw G
    report, _, _ = volume_report(model, samples=args.num, seed=config.seed)
    report["untrained_d_svm_accuracy"] = untrained_svm(model, config.seed + 1)
    report["timing"] = timing
    suffix = ("-raw" if args.raw_g else "") + (
        "" if args.checkpoint is None else f"-{args.checkpoint}")
    Path(args.out, f"checks{suffix}.json").write_text(json.dumps(report, indent=2))
    low, high = TARGETS["class_share"]
    rows = [
        ("classifier mean max-prob", report["mean_max_prob"], ">= 0.8"),
        ("class shares (min, max)",
         f"{report['min_class_share']:.3f}, {report['max_class_share']:.3f}",
         f"each {low:.2f}-{high:.2f}"),
        ("coverage (IoU >= 0.5)", report["coverage_iou_0.5"], ">= 0.5"),
        ("mean best IoU", report["mean_best_iou"], "-"),
        ("D features + linear SVM", report["d_feature_svm_accuracy"], ">= 0.8"),
        ("  same, untrained D", report["untrained_d_svm_accuracy"], "baseline"),
        ("classifier on held-out real", report["classifier_held_out_accuracy"], "sanity"),
    ]
    print("| check | value | target |\n|---|---|---|")
    for name, value, target in rows:
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"| {name} | {shown} | {target} |")
    print("class shares:", dict(zip(report["class_names"],
                                    np.round(report["class_shares"], 3).tolist())))
    print("coverage by class:", dict(zip(report["class_names"],
                                         np.round(report["coverage_by_class"], 3).tolist())))
    print("timing:", timing)


if __name__ == "__main__":
    main()
