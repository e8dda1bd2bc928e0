"""UV-GAN's check: on the missing texels of the held-out heads2uv:test
textures (20 identities x 13 views), UV-GAN's completion must beat the
mirror-fill baseline and an L2-only generator (the same G trained with
the Context Encoder's masked MSE alone: no discriminators, no identity
loss) in PSNR and SSIM.

    python benchmarks/uvgan_checks.py --out runs/uvgan-checks [--steps N]

Runs the recipe twice (OUT/uvgan: the default; OUT/l2-only: --pixel-loss
l2 and the adversarial and identity weights 0), each in a subprocess with
its wall and CPU time (OUT/*/timing.json; a finished run is reused), reads
their RUN/uv/report.json and writes OUT/results.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _runs import arguments, step_flags, train_recipe  # noqa: E402

L2_ONLY = ("--pixel-loss", "l2", "--global-weight", 0.0, "--local-weight", 0.0,
           "--ip-weight", 0.0, "--sym-weight", 0.0)


def main(argv=None):
    args = arguments(__doc__, "runs/uvgan-checks", 0).parse_args(argv)
    out = Path(args.out)
    runs = {"uvgan": (), "l2-only": L2_ONLY}
    results = {}
    for name, flags in runs.items():
        timing = train_recipe("uvgan", out / name, *step_flags(args), *flags)
        report = json.loads((out / name / "uv" / "report.json").read_text())
        results[name] = {**report["model"], **timing}
        results["mirror-fill"] = report["mirror_fill"]
    for name, row in results.items():
        print(f"{name:12s} missing-texel PSNR {row['missing_psnr']:.2f} dB, "
              f"SSIM {row['ssim']:.4f}")
    best = results["uvgan"]
    results["uvgan_beats_both"] = all(
        best[k] > results[other][k] for other in ("mirror-fill", "l2-only")
        for k in ("missing_psnr", "ssim"))
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print("UV-GAN beats mirror fill and L2-only on both:", results["uvgan_beats_both"])


if __name__ == "__main__":
    main()
