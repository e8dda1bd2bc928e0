"""Face aging's checks, CAAE against IPCGAN on the held-out identities of
heads_aged:test (20 identities x 4 age groups, each turned to all 4):
the heads-age-cnn judge must read every target group at >= 0.8 for both,
the heads-skin-cnn skin-tone reading must be retained >= 0.9, and IPCGAN
must retain identity better than CAAE with both models' mean age accuracy
within 0.05.

    python benchmarks/aging_checks.py --out runs/aging-checks [--steps N]

Runs both recipes (OUT/caae, OUT/ipcgan) in subprocesses with their wall
and CPU time (a finished run is reused), reads RUN/aging/report.json and
writes OUT/results.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _runs import arguments, step_flags, train_recipe  # noqa: E402


def main(argv=None):
    args = arguments(__doc__, "runs/aging-checks", 0).parse_args(argv)
    out = Path(args.out)
    results = {}
    for recipe in ("caae", "ipcgan"):
        timing = train_recipe(recipe, out / recipe, *step_flags(args))
        report = json.loads((out / recipe / "aging" / "report.json").read_text())
        report.pop("judges")
        results[recipe] = {**report, **timing}
        print(f"{recipe:7s} age accuracy per target {report['age_accuracy']}, skin-tone "
              f"retention {report['mean_skin_tone_retention']:.3f}, identity EER "
              f"{report['mean_identity_eer']:.3f}")
    caae, ipcgan = results["caae"], results["ipcgan"]
    mean_age = {k: float(np.mean(list(r["age_accuracy"].values()))) for k, r in results.items()}
    results["checks"] = {
        "every_target_age_accuracy_at_least_0.8": {
            k: results[k]["min_age_accuracy"] >= 0.8 for k in ("caae", "ipcgan")},
        "skin_tone_retention_at_least_0.9": {
            k: results[k]["mean_skin_tone_retention"] >= 0.9 for k in ("caae", "ipcgan")},
        "ipcgan_retains_more": ipcgan["mean_skin_tone_retention"]
        > caae["mean_skin_tone_retention"],
        "mean_age_accuracy_within_0.05": abs(mean_age["caae"] - mean_age["ipcgan"]) <= 0.05,
    }
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results["checks"], indent=2))


if __name__ == "__main__":
    main()
