"""MoCoGAN's checks on procedural shape-motion videos (Tulyakov et al.
2018 §4; targets from the project's brief):

    python benchmarks/mocogan_checks.py [--out runs/bench/mocogan] [--steps N]
                                        [--checkpoint STEP]

Trains the `mocogan` recipe (or reuses a finished run in --out), then
scores 50 videos an action (`tfgan_zoo.reports.video`): the motion control
score (an action classifier trained on real clips reads the requested
action, >= 0.8), ACD against the real videos' (<= 1.5x) and against the
distance between two different real videos, and the swaps (z_C fixed and
the motion redrawn keeps the shape; the motion fixed and z_C redrawn keeps
the action), and ACD's diagnostics (the drift every video shares, the
motion code's mean path). Writes OUT/checks.json and OUT/checks-samples.gif
(OUT/checks-STEP.* for the checkpoint at STEP) and prints one table row per
check and the motion control confusion counts."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _runs import arguments, trained_run  # noqa: E402
from tfgan_zoo.reports.video import video_report  # noqa: E402
from tfgan_zoo.samples import preview_video  # noqa: E402


def main():
    args = arguments(__doc__, "runs/bench/mocogan", 50, checkpoint=True).parse_args()
    timing, model, config = trained_run("mocogan", args)
    suffix = "" if args.checkpoint is None else f"-{args.checkpoint}"
    report, fake, _ = video_report(model, config.dataset, per_action=args.num,
                                   seed=config.seed)
    # the first four videos of each action, actions in turn
    first = fake.reshape(-1, args.num, *fake.shape[1:])[:, :4]
    preview_video(Path(args.out, f"checks{suffix}-samples"), first.reshape(-1, *fake.shape[1:]))
    report["timing"] = timing
    Path(args.out, f"checks{suffix}.json").write_text(json.dumps(report, indent=2))
    rows = [
        ("motion control score", report["motion_control_score"], ">= 0.8"),
        ("ACD samples / real", f"{report['acd_samples']:.4f} / {report['acd_real']:.4f}",
         "<= 1.5x real"),
        ("ACD / random-pair distance (real)", report["acd_vs_random_pair_real"], "<< 1"),
        ("ACD less the drift all videos share, samples / real",
         (f"{report['acd_samples_less_shared_path']:.4f} / "
          f"{report['acd_real_less_shared_path']:.4f}"), "(diagnostic)"),
        ("shared drift, first to last frame, samples / real",
         (f"{report['shared_path_change_samples']:.4f} / "
          f"{report['shared_path_change_real']:.4f}"), "(diagnostic)"),
        ("motion code, norm of the mean over videos, first / last frame",
         f"{report['motion_code_mean_norm'][0]:.3f} / {report['motion_code_mean_norm'][-1]:.3f}",
         "(diagnostic: grows where the GRU runs like a clock)"),
        ("shape kept, motion swapped",
         report.get("shape_kept_when_motion_swapped", "n/a (no content label)"), "high"),
        ("action kept, content swapped", report["action_kept_when_content_swapped"], "high"),
        ("action classifier on held-out real", report["classifier_held_out_accuracy"],
         "sanity"),
    ]
    print("| check | value | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value:.3f} | {target} |" if isinstance(value, float)
              else f"| {name} | {value} | {target} |")
    print("motion control confusion (row: asked, column: read):",
          report["motion_control_confusion"])
    print("timing:", timing)


if __name__ == "__main__":
    main()
