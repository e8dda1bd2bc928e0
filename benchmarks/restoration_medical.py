"""Restoration and medical imaging: each recipe's default beside its
comparison, trained at equal steps and measured on held-out data by the
recipe's own report.

    python benchmarks/restoration_medical.py dagan       # DAGAN vs the same U-Net without D
    python benchmarks/restoration_medical.py idcgan      # ID-CGAN vs L2-only G, sigma 25 and rain
    python benchmarks/restoration_medical.py reflection  # exclusion loss on vs off
    python benchmarks/restoration_medical.py all --root runs/restoration

Each variant is a recipe run (`python -m tfgan_zoo.recipes.NAME ARGS --out
ROOT/VARIANT`) in a subprocess; a finished run is not trained again (the
trainer resumes it and its report is rewritten). Prints, and writes to
ROOT/NAME.json, every variant's metrics with its wall and CPU time (the
child's user + system seconds) and the load average at start and end.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

# name -> [(variant, recipe, extra arguments)]
COMPARISONS = {
    "dagan": [("dagan", "dagan", []),
              ("unet_no_adversarial", "dagan", ["--adversarial-weight", "0"])],
    "idcgan": [("idcgan_denoise25", "idcgan", []),
               ("l2_only_denoise25", "idcgan", ["--adversarial-weight", "0"]),
               ("idcgan_derain", "idcgan", ["--dataset", "derain"]),
               ("l2_only_derain", "idcgan", ["--dataset", "derain",
                                             "--adversarial-weight", "0"])],
    "reflection": [("reflection", "reflection", []),
                   ("no_exclusion", "reflection", ["--exclusion-weight", "0"])],
}


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_variant(root, variant, recipe, extra):
    out = Path(root) / variant
    command = [sys.executable, "-m", f"tfgan_zoo.recipes.{recipe}", *extra, "--out", str(out)]
    print("$", " ".join(command), flush=True)
    start_load, start, cpu = load(), time.time(), children_cpu()
    subprocess.run(command, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    timing = {"wall_s": round(time.time() - start, 1), "cpu_s": round(children_cpu() - cpu, 1),
              "load_start": start_load, "load_end": load()}
    metrics = json.loads((out / "metrics.json").read_text())
    return {"variant": variant, "command": " ".join(command[1:]), "timing": timing,
            "metrics": metrics}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(COMPARISONS) + ["all"])
    parser.add_argument("--root", default="runs/restoration_medical",
                        help="folder of the runs (default runs/restoration_medical)")
    args = parser.parse_args()
    names = sorted(COMPARISONS) if args.name == "all" else [args.name]
    for name in names:
        results = [run_variant(args.root, *variant) for variant in COMPARISONS[name]]
        path = Path(args.root) / f"{name}.json"
        path.write_text(json.dumps(results, indent=2))
        print(json.dumps(results, indent=2))
        print(f"written to {path}")


if __name__ == "__main__":
    main()
