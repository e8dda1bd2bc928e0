"""Restoration and medical imaging: each recipe's default beside its
comparison, trained at equal steps and measured on held-out data by the
recipe's own report.

    python benchmarks/restoration_medical.py dagan       # DAGAN vs the same U-Net without D
    python benchmarks/restoration_medical.py idcgan      # ID-CGAN vs L2-only G, sigma 25 and rain;
                                                         # (rain: also the residual G)
    python benchmarks/restoration_medical.py reflection  # exclusion loss on vs off
    python benchmarks/restoration_medical.py all --root runs/restoration
    python benchmarks/restoration_medical.py reflection --steps 500 --only no_exclusion
    python benchmarks/restoration_medical.py export RUN [RUN ...]

Each variant is a recipe run (`python -m tfgan_zoo.recipes.NAME ARGS --out
ROOT/VARIANT`) in a subprocess; a finished run is not trained again (the
trainer resumes it and its report is rewritten). Prints, and writes to
ROOT/NAME.json, every variant's metrics with its wall and CPU time (the
child's user + system seconds) and the load average at start and end.
`--steps N` and `--mixed-precision P` go to every variant (a probe at
equal steps, or a named precision); `--only VARIANT` runs some of them and
writes ROOT/NAME-VARIANT.json. A variant whose run is already under ROOT is
resumed to its length and measured again, not retrained.

`export` exports trained runs (`python -m tfgan_zoo.export`'s code path:
SavedModel + LiteRT float32, float16, int8 calibrated on the run's data)
to RUN/../exports, then loads them in a separate Python that cannot import
tfgan_zoo (plain TensorFlow and `ai_edge_litert` only) and compares their
outputs on the run's held-out inputs (degraded images; zero-filled slices
for DAGAN) with the Keras model: max abs difference and PSNR. For DAGAN it
also runs `reconstruct_with_preset` on the fully sampled slices.
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
                                             "--adversarial-weight", "0"]),
               ("idcgan_derain_residual", "idcgan_derain", []),
               ("l2_only_derain_residual", "idcgan_derain", ["--adversarial-weight", "0"])],
    "reflection": [("reflection", "reflection", []),
                   ("no_exclusion", "reflection", ["--exclusion-weight", "0"])],
}


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_variant(root, variant, recipe, extra, common=()):
    out = Path(root) / variant
    command = [sys.executable, "-m", f"tfgan_zoo.recipes.{recipe}", *extra, *common,
               "--out", str(out)]
    print("$", " ".join(command), flush=True)
    start_load, start, cpu = load(), time.time(), children_cpu()
    subprocess.run(command, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    timing = {"wall_s": round(time.time() - start, 1), "cpu_s": round(children_cpu() - cpu, 1),
              "load_start": start_load, "load_end": load()}
    metrics = json.loads((out / "metrics.json").read_text())
    return {"variant": variant, "command": " ".join(command[1:]), "timing": timing,
            "metrics": metrics}


STANDALONE = """
import importlib.abc, json, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "tfgan_zoo":
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import numpy as np, tensorflow as tf
from ai_edge_litert.interpreter import Interpreter
job = json.loads(sys.argv[1])
data = dict(np.load(job["inputs"]))
psnr = lambda a, b: float(10 * np.log10(4.0 / np.mean((a - b) ** 2)))
report = {}
served = tf.saved_model.load(job["saved_model"]).signatures
out = served["serving_default"](image=tf.constant(data["image"]))["images_float"].numpy()
report["saved_model"] = {"max_abs_diff": float(np.abs(out - data["keras"]).max())}
if "full" in data:
    out = served["reconstruct_with_preset"](image=tf.constant(data["full"]),
                                            mask_preset=tf.constant(job["preset"]))
    report["saved_model_preset"] = {
        "max_abs_diff": float(np.abs(out["images_float"].numpy() - data["keras"]).max())}
for variant, path in job["tflite"].items():
    runner = Interpreter(model_path=path).get_signature_runner("serving_default")
    got = np.concatenate([runner(image=x[None])["images_float"] for x in data["image"]])
    report[variant] = {"max_abs_diff": float(np.abs(got - data["keras"]).max()),
                       "psnr_vs_keras": round(psnr(got, data["keras"]), 2),
                       "psnr_vs_truth": round(psnr(got, data["truth"]), 2)}
report["keras_psnr_vs_truth"] = round(psnr(data["keras"], data["truth"]), 2)
report["tfgan_zoo_loaded"] = [m for m in sys.modules if m.startswith("tfgan_zoo")]
print(json.dumps(report))
"""


def export_check(run_dir):
    """Export a run and check the exports without tfgan_zoo (see module doc)."""
    import numpy as np
    from tfgan_zoo.export.serving import export_run
    from tfgan_zoo.reports.restoration import held_out_batches
    from tfgan_zoo.rundir.run import load_run

    run_dir = Path(run_dir)
    model, config = load_run(run_dir)
    root = run_dir.parent / "exports"
    result = export_run(run_dir, root, name=run_dir.name, quantize="none,float16,int8")
    batches = list(held_out_batches(config))
    first = batches[0]
    inputs = {"truth": first[0] if config.model == "dagan" else first[1]}
    if config.model == "dagan":
        inputs["full"] = first[0]
        inputs["image"] = model.undersample(first[0]).numpy()
    else:
        inputs["image"] = first[0]
    inputs["keras"] = model.translate(inputs["image"]).numpy()
    path = run_dir.parent / f"{run_dir.name}-export-inputs.npz"
    np.savez(path, **inputs)
    job = {"saved_model": str(result.saved_model), "inputs": str(path),
           "preset": f"{getattr(model, 'mask', '')}_{round(100 * getattr(model, 'sampling_rate', 0))}",
           "tflite": {k: str(v) for k, v in result.tflite.items()}}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-I", "-c", STANDALONE, json.dumps(job)],
                          capture_output=True, text=True, env={**env, "TF_CPP_MIN_LOG_LEVEL": "2"})
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    report = {"run": str(run_dir), "num_images": len(inputs["image"]),
              "tflite_bytes": {k: v["bytes"] for k, v in
                               result.card["tflite"]["variants"].items()},
              **json.loads(done.stdout.strip().splitlines()[-1])}
    print(json.dumps(report, indent=2))
    return report


def main():
    if sys.argv[1:2] == ["export"]:
        reports = [export_check(run) for run in sys.argv[2:]]
        out = Path(sys.argv[2]).parent / "exports.json"
        out.write_text(json.dumps(reports, indent=2))
        print(f"written to {out}")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(COMPARISONS) + ["all"])
    parser.add_argument("--root", default="runs/restoration_medical",
                        help="folder of the runs (default runs/restoration_medical)")
    parser.add_argument("--steps", type=int,
                        help="train every variant this many steps (default: each recipe's)")
    parser.add_argument("--mixed-precision",
                        help="passed to every variant (default: each recipe's, auto)")
    parser.add_argument("--only", action="append", metavar="VARIANT",
                        help="run only this variant (repeatable; default: all of them)")
    args = parser.parse_args()
    names = sorted(COMPARISONS) if args.name == "all" else [args.name]
    common = ([] if args.steps is None else ["--steps", str(args.steps)]) + (
        [] if args.mixed_precision is None else ["--mixed-precision", args.mixed_precision])
    known = {v[0] for name in names for v in COMPARISONS[name]}
    unknown = sorted(set(args.only or ()) - known)
    if unknown:
        parser.error(f"unknown variant {', '.join(unknown)}: choose from {', '.join(sorted(known))}")
    for name in names:
        results = [run_variant(args.root, *variant, common) for variant in COMPARISONS[name]
                   if not args.only or variant[0] in args.only]
        if not results:
            continue
        suffix = "".join(f"-{r['variant']}" for r in results) if args.only else ""
        path = Path(args.root) / f"{name}{suffix}.json"
        path.write_text(json.dumps(results, indent=2))
        print(json.dumps(results, indent=2))
        print(f"written to {path}")


if __name__ == "__main__":
    main()
