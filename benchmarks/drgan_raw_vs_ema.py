"""DR-GAN with `--ema-decay`: the rotation report of one trained run read
through its raw generator and through the averaged one (equal steps, same
run, no training), to tell what the average does to SSIM, identity and
pose.

    python benchmarks/drgan_raw_vs_ema.py RUN

Writes RUN/raw/rotation/ (report.json, grid.png: the raw G) and prints the
two reports' figures side by side (RUN/rotation/ is the recipe's own, the
averaged G)."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.reports.rotation import write_rotation_report  # noqa: E402
from tfgan_zoo.rundir.run import load_run  # noqa: E402

KEYS = ("frontal_ssim", "frontal_ssim_input_baseline", "frontal_pose_accuracy_judge",
        "verification_eer_judge", "verification_eer", "pose_accuracy_own_d",
        "pose_accuracy_judge")


def main(run):
    model, config = load_run(run)
    if not model.ema_decay:
        raise SystemExit(f"{run} was trained without --ema-decay: nothing to compare")
    averaged = json.loads((Path(run) / "rotation" / "report.json").read_text())
    model.ema_decay = None                    # inference_generator -> the raw G
    raw_config = copy.copy(config)
    raw_config.out = str(Path(run) / "raw")
    raw = write_rotation_report(model, raw_config)
    for key in KEYS:
        print(f"{key:32s} raw {raw.get(key, float('nan')):.4f}   "
              f"averaged {averaged.get(key, float('nan')):.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
