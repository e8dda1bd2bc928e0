"""Re-measure a MUNIT, BicycleGAN, SRGAN or Context Encoder run at any of its
checkpoints with the recipe's own held-out report (e.g. SRGAN at the end of
its MSE pre-training, i.e. SRResNet, against the final SRGAN).

    python benchmarks/restoration_report.py runs/srgan --step 600

Prints the report's JSON; the report and its grid are written to
RUN/reports/step-N/ (the run's own metrics.json is left alone).
"""

import argparse
import dataclasses
from pathlib import Path

REPORTS = {"srgan": "srgan_report", "context_encoder": "context_encoder_report",
           "munit": "munit_report", "bicyclegan": "bicyclegan_report"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", help="run directory of a training run")
    parser.add_argument("--step", type=int, default=None,
                        help="checkpoint step (default: the newest)")
    args = parser.parse_args()

    from tfgan_zoo.reports import image2image as reports
    from tfgan_zoo.rundir.run import load_run

    model, config = load_run(args.run, step=args.step)
    out = Path(args.run) / "reports" / f"step-{model.step}"
    report = getattr(reports, REPORTS[config.model])
    report(model, dataclasses.replace(config, out=str(out)))


if __name__ == "__main__":
    main()
