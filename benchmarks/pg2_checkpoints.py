"""PG2's reading at every kept Stage II checkpoint of a run: SSIM,
mask-SSIM and PCK@0.1 of Stage II's output on the test pairs of `poses`,
beside Stage I's alone (its G1 is fixed in Stage II, so one row serves)
and copying I_A. The recipe's report reads the last checkpoint only; this
shows whether Stage II moves towards or away from Stage I as it trains.

    python benchmarks/pg2_checkpoints.py RUN [--out FILE.json]

RUN is a `tfgan_zoo.recipes.pg2` --out directory (its Stage II run is
RUN/stage2; keep more checkpoints with `--keep-checkpoints`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.data.persons import heatmaps, pose_pairs  # noqa: E402
from tfgan_zoo.evaluation.keypoints import load_keypoint_regressor, pck  # noqa: E402
from tfgan_zoo.evaluation.metrics import ssim  # noqa: E402
from tfgan_zoo.reports.cross_domain import _batched, masked  # noqa: E402
from _runs import each_checkpoint  # noqa: E402


def scores(images, image_b, masks, points_b, regressor):
    return {"ssim": round(ssim(images, image_b), 4),
            "mask_ssim": round(ssim(masked(images, masks), masked(image_b, masks)), 4),
            "pck@0.1": round(pck(regressor.predict(images), points_b, 0.1), 4)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", help="the PG2 run directory (holding stage2/)")
    parser.add_argument("--out", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    image_a, _, image_b, points_b, mask_b = pose_pairs("test")
    image_a = image_a.astype(np.float32) / 127.5 - 1.0
    image_b = image_b.astype(np.float32) / 127.5 - 1.0
    masks = mask_b[..., None].astype(np.float32)
    poses = _batched(lambda p: heatmaps(p, *image_a.shape[1:3]), points_b)
    regressor = load_keypoint_regressor()
    rows = [{"output": "copy I_A", **scores(image_a, image_b, masks, points_b, regressor)}]
    print(json.dumps(rows[-1]), flush=True)
    for step, model in each_checkpoint(Path(args.run) / "stage2"):
        if len(rows) == 1:
            coarse = _batched(model.coarse, image_a, poses)
            rows.append({"output": "stage I (G1, fixed in stage II)",
                         **scores(coarse, image_b, masks, points_b, regressor)})
            print(json.dumps(rows[-1]), flush=True)
        final = _batched(lambda a, p: model.generate_from({"image": a, "pose": p}),
                         image_a, poses)
        rows.append({"output": f"stage II, step {step}",
                     **scores(final, image_b, masks, points_b, regressor)})
        print(json.dumps(rows[-1]), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
