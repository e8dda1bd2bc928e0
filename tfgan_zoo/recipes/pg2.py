"""Ma et al. 2017: PG2 on poses (procedural people, the same person in two
poses at 64x32, a stand-in for Market-1501 pairs, `tfgan_zoo.data.persons`).
Two stages, each its own resumable run directory under --out:

    OUT/stage1/   G1 with the pose-mask L1 alone          --stage1-steps
    OUT/stage2/   G2's difference map and the conditional
                  D over the fixed G1; exported (image A and
                  pose B in, image B out)                 --steps

then, on the test pairs, SSIM and mask-SSIM of Stage II, of Stage I alone
and of copying the input, and PCK@0.1 of a keypoint regressor trained on
renders against the requested pose, in OUT/stage2/metrics.json and
poses.png. Adam 2e-4 (beta_1 0.5; the reference uses 2e-5 over 60k steps),
batch 32, and lambda = 500 in Stage II, not the paper's 10 on Market-1501:
over the same Stage I, 1,500 Stage II steps read SSIM / mask-SSIM 0.686 /
0.775 at lambda 500, above Stage I's 0.650 / 0.754, while lambda 10 (0.547 /
0.685), lambda 50 (0.630 / 0.740) and lambda 10 at the reference's 2e-5
(0.594 / 0.727) fall below it: at this length the adversarial term mostly
adds speckle that SSIM counts against (benchmarks/RESULTS.md, PG2). Runs
made before this default (lambda 10) resume with `--l1-weight 10`; their
OUT/stage1 needs nothing.

Stage II can start from a Stage I trained before, instead of training
OUT/stage1: `--stage1-run RUN/stage1` (the same --ngf, --depth and
--bottleneck). Stage I trains at --g-lr and at the model's defaults of the
settings only Stage II reads (--ndf, --l1-weight, --condition-negative), so
one Stage I serves Stage II runs that differ in those; `--stage2-g-lr` and
`--stage2-d-lr` give Stage II its own rates (default: --g-lr, --d-lr).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from tfgan_zoo.cli import fail, positive_float, positive_int, without_flags
from tfgan_zoo.config import Config, model_hyperparameters, parse_args
from tfgan_zoo.config import build_parser as config_parser
from tfgan_zoo.errors import UserError
from tfgan_zoo.reports.cross_domain import pose_report
from tfgan_zoo.training.trainer import train

RECIPE = Config(recipe="pg2", model="pg2", dataset="poses", steps=1500, batch_size=32,
                g_lr=2e-4, d_lr=2e-4, beta_1=0.5, sample_every=500, checkpoint_every=500,
                log_every=100, epoch_steps=500, num_samples=16,
                model_args={"ngf": 32, "ndf": 32, "l1_weight": 500.0})
STAGE1_STEPS = 3000
# Settings only Stage II reads: Stage I runs at the model's defaults of these,
# so one Stage I serves Stage II runs that differ in them.
STAGE2_ONLY = ("ndf", "l1_weight", "condition_negative")
PHASE_FLAGS = ["--stage1-steps", "--stage2-g-lr", "--stage2-d-lr"]


def build_parser():
    parser = config_parser(RECIPE)
    parser.description = ("PG2 in two stages: G1 with the pose-mask L1, then G2 and the "
                          "conditional D over the fixed G1; then SSIM, mask-SSIM and PCK. "
                          "--steps is Stage II's. Every default below can be overridden.")
    for action in parser._actions:
        if action.dest == "model.stage":
            action.help = argparse.SUPPRESS
        if action.dest == "model.stage1_run":
            action.help = ("start Stage II from this trained Stage I run directory (e.g. "
                           "runs/pg2/stage1; the same --ngf, --depth and --bottleneck) "
                           "instead of training OUT/stage1")
            action.metavar = "DIR"
    phases = parser.add_argument_group("phases")
    phases.add_argument("--stage1-steps", type=positive_int, default=STAGE1_STEPS,
                        help="Stage I steps")
    phases.add_argument("--stage2-g-lr", type=positive_float, default=None,
                        help="Stage II's G2 learning rate; None: --g-lr, which Stage I trains at")
    phases.add_argument("--stage2-d-lr", type=positive_float, default=None,
                        help="Stage II's D learning rate; None: --d-lr")
    return parser


def phases(config, stage1_steps, stage2_g_lr=None, stage2_d_lr=None):
    """[(title, Config or None)] of Stage I and Stage II; Stage I's is None
    when Stage II starts from a given Stage I run (model_args stage1_run)."""
    out = Path(config.out).resolve()
    defaults = model_hyperparameters(config.model)
    given = config.model_args.get("stage1_run")
    stage1 = dataclasses.replace(
        config, out=str(out / "stage1"), steps=stage1_steps,
        model_args={**config.model_args, **{k: defaults[k] for k in STAGE2_ONLY},
                    "stage": 1, "stage1_run": None})
    stage2 = dataclasses.replace(
        config, out=str(out / "stage2"),
        g_lr=config.g_lr if stage2_g_lr is None else stage2_g_lr,
        d_lr=config.d_lr if stage2_d_lr is None else stage2_d_lr,
        model_args={**config.model_args, "stage": 2, "stage1_run": given or stage1.out})
    return [(f"Stage I: reusing {given}" if given else "Stage I (G1, pose-mask L1)",
             None if given else stage1),
            ("Stage II (G2 difference map, conditional D)", stage2)]


def main(argv=None):
    started, cpu = time.time(), time.process_time()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
        config = parse_args(RECIPE, without_flags(argv, PHASE_FLAGS))
        model = None
        for i, (title, phase) in enumerate(phases(config, args.stage1_steps, args.stage2_g_lr,
                                                  args.stage2_d_lr), start=1):
            if phase is None:
                print(f"[{i}/2] {title} (not trained)", flush=True)
                continue
            print(f"[{i}/2] {title} -> {phase.out}", flush=True)
            model = train(phase)
        if config.report:
            pose_report(model, phase)
    except UserError as e:
        fail(e)  # one line; exit status 2 (128 + N for a run stopped by signal N)
    print(f"Done in {(time.time() - started) / 60:.1f} min, "
          f"{(time.process_time() - cpu) / 60:.1f} CPU-min: {config.out}")
    return model


if __name__ == "__main__":
    main()
