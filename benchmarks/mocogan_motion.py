"""What MoCoGAN's generator does with the action it is asked for, read
without a learned classifier (issue #24's motion-control diagnosis):

    PYTHONPATH=. python benchmarks/mocogan_motion.py --out RUN [--checkpoint STEP]

For 50 videos an action (the report's inputs: `example_inputs(seed 0)`,
actions in turn) it reads each video's motion from the frames alone
(`tfgan_zoo.evaluation.video.centroid_motion`: the path of the centroid of
what differs from the video's own per-pixel median over time) and prints,
per requested action: the direction that path reads (confusion, row asked,
column read, the 4 directions of `motion.ACTIONS`), the mean displacement
along each axis, the path's straightness and the per-frame flicker of the
foreground's mass, beside the same figures for held-out real clips. Writes
OUT/motion[-STEP].json and OUT/motion[-STEP].png: 4 videos an action (rows,
actions in turn), frames 0, 3, 6, ..., 15 side by side."""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _runs import arguments  # noqa: E402
from tfgan_zoo.data import motion  # noqa: E402
from tfgan_zoo.evaluation.video import centroid_motion  # noqa: E402
from tfgan_zoo.reports.video import _generate  # noqa: E402
from tfgan_zoo.images import save_grid  # noqa: E402


def summary(videos, actions):
    """Per asked action: direction confusion, mean (dx, dy), straightness,
    flicker; and the overall share read as asked."""
    read = centroid_motion(videos)
    k = len(motion.ACTIONS)
    confusion = np.bincount(actions * k + read["direction"], minlength=k * k).reshape(k, k)
    rows = {}
    for a, name in enumerate(motion.ACTIONS):
        pick = actions == a
        rows[name] = {"read": confusion[a].tolist(),
                      "dx": float(read["dx"][pick].mean()), "dy": float(read["dy"][pick].mean()),
                      "path": float(read["path"][pick].mean()),
                      "straightness": float(read["straightness"][pick].mean()),
                      "flicker": float(read["flicker"][pick].mean())}
    return {"read_as_asked": float(np.mean(read["direction"] == actions)), "per_action": rows}


def main():
    parser = arguments(__doc__, "runs/bench/mocogan", 50, checkpoint=True)
    args = parser.parse_args()
    from tfgan_zoo.rundir.run import load_run
    model, config = load_run(args.out, step=args.checkpoint)
    k = len(motion.ACTIONS)
    inputs = model.example_inputs(args.num * k, seed=config.seed)
    inputs["action"] = np.repeat(np.arange(k), args.num).astype(np.int32)
    fake = _generate(model, inputs)
    real, real_actions, _ = motion.generate(motion.DEFAULT_COUNT["test"],
                                            model.image_shape[0], "test", model.video_length)
    out = {"samples": summary(fake, inputs["action"]), "real": summary(real, real_actions)}
    suffix = "" if args.checkpoint is None else f"-{args.checkpoint}"
    Path(args.out, f"motion{suffix}.json").write_text(json.dumps(out, indent=2))
    frames = list(range(0, model.video_length, 3))
    shown = fake.reshape(k, args.num, *fake.shape[1:])[:, :4][:, :, frames]
    save_grid(Path(args.out, f"motion{suffix}.png"), shown.reshape(-1, *fake.shape[2:]),
              rows=4 * k, scale=2)
    for part, figures in out.items():
        print(f"{part}: read as asked {figures['read_as_asked']:.3f}")
        print("| asked | read L→R / R→L / T→B / B→T | dx | dy | path | straightness | "
              "flicker |\n|---|---|---|---|---|---|---|")
        for name, row in figures["per_action"].items():
            print(f"| {name} | {row['read']} | {row['dx']:+.2f} | {row['dy']:+.2f} | "
                  f"{row['path']:.2f} | {row['straightness']:.2f} | {row['flicker']:.2f} |")


if __name__ == "__main__":
    main()
