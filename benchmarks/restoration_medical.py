"""Restoration and medical imaging: each recipe's default beside its
comparison, trained at equal steps and measured on held-out data by the
recipe's own report.

    python benchmarks/restoration_medical.py dagan       # DAGAN vs the same U-Net without D
    python benchmarks/restoration_medical.py idcgan      # ID-CGAN vs L2-only G, sigma 25 and rain;
                                                         # (rain: also the residual G)
    python benchmarks/restoration_medical.py reflection  # exclusion loss on vs off
    python benchmarks/restoration_medical.py reflection_colour --seeds 0,1
                                                         # T's colour: jittered pairs, more photos
    python benchmarks/restoration_medical.py all --root runs/restoration
    python benchmarks/restoration_medical.py reflection --steps 500 --only no_exclusion
    python benchmarks/restoration_medical.py exclusion --seeds 0,1 --steps 400
                                                         # exclusion weights 0, 1, 10, 30
    python benchmarks/restoration_medical.py exclusion --seeds 0,1 --summary-only
    python benchmarks/restoration_medical.py exclusion --seeds 0,1 --report-precision float32
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

`--seeds 0,1` runs every variant once per seed (`--seed S`, named
VARIANT_seedS, all variants of the first seed before the second's).
`exclusion` is the exclusion-loss dose-response: one reflection variant
per weight of `--exclusion-weights` (default 0, 1, 10, 30), named
exclusion_W. Each variant's record also goes to ROOT/VARIANT.json, and a
summary of the records under ROOT (each variant's mean +- sd over its
seeds of the leak corr(grad T_hat, grad R_true), T PSNR/SSIM, R_hat PSNR,
corr(grad T_hat, grad R_hat) and the exclusion loss of (T_hat, R_hat) for
the reflection comparisons; a figure that an older record lacks is left
out) is printed and written to ROOT/NAME-summary.json; `--summary-only`
writes it from the records without running anything (so variants run by
separate invocations, e.g. in parallel, are summarised together).

`--report-precision float32` measures every variant again after its run:
the recipe's report on the run's newest checkpoint, with the model built in
float32 whatever precision it trained in (a bfloat16 run's own report runs
in bfloat16, which moved the reflection leak by 0.005-0.026), written to
RUN/report-float32/. The record keeps it as `metrics_float32`, and the
summary of those goes to ROOT/NAME-summary-float32.json.

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
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tfgan_zoo.files import write_atomic

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
    # The held-out shortfall is T_hat's colour (RESULTS): the fixed set with
    # every training pair recoloured, and with 3 more bundled photos.
    "reflection_colour": [("reflection", "reflection", []),
                          ("jitter", "reflection", ["--dataset", "reflection:fixed:jitter"]),
                          ("morephotos", "reflection",
                           ["--dataset", "reflection:fixed:morephotos"])],
}
# The exclusion dose-response's weights (`--exclusion-weights`); 1 is the recipe's.
EXCLUSION_WEIGHTS = (0.0, 1.0, 10.0, 30.0)
# What the summary reports of each comparison's metrics.json: label -> keys.
SUMMARY_METRICS = {
    "reflection": {"leak": ("reflection_leak", "estimate"), "t_psnr": ("transmission", "psnr"),
                   "t_ssim": ("transmission", "ssim"), "r_psnr": ("reflection_psnr",),
                   # What the exclusion term is trained on: T_hat's edges against R_hat's.
                   "leak_r_hat": ("reflection_leak", "against_estimated_reflection"),
                   "exclusion": ("exclusion", "estimate")},
}
SUMMARY_METRICS["exclusion"] = SUMMARY_METRICS["reflection_colour"] = SUMMARY_METRICS["reflection"]
# The inference precisions `--report-precision` measures in besides the training's.
REPORT_PRECISIONS = ("float32",)


def exclusion_variants(weights):
    """The reflection recipe once per exclusion weight, named exclusion_W."""
    return [(f"exclusion_{w:g}", "reflection", ["--exclusion-weight", f"{w:g}"])
            for w in weights]


def seeded(variants, seeds):
    """Each variant once per seed, seed-major (every variant of the first seed
    first), named VARIANT_seedS with `--seed S`; `variants` unchanged without seeds."""
    if not seeds:
        return list(variants)
    return [(f"{name}_seed{seed}", recipe, [*extra, "--seed", str(seed)])
            for seed in seeds for name, recipe, extra in variants]


def unseeded(variant):
    """VARIANT of VARIANT_seedS (the name a summary groups the seeds under)."""
    return re.sub(r"_seed\d+$", "", variant)


def lookup(metrics, keys):
    """metrics[k1][k2]..., or None where a record has no such figure."""
    for key in keys:
        if not isinstance(metrics, dict) or key not in metrics:
            return None
        metrics = metrics[key]
    return metrics


def summarise(records, metrics, field="metrics"):
    """{variant: {label: {mean, sd, n, values}}} over the seeds of each
    unseeded variant, in the records' order, from each record's `field`; sd
    is the sample standard deviation (0 for one seed). A label is left out
    of a variant where a seed's record lacks it."""
    groups = {}
    for record in records:
        groups.setdefault(unseeded(record["variant"]), []).append(record)
    summary = {}
    for name, group in groups.items():
        summary[name] = {"seeds": [r["variant"] for r in group]}
        for label, keys in metrics.items():
            values = [lookup(record[field], keys) for record in group]
            if None in values:
                continue
            summary[name][label] = {
                "mean": round(statistics.fmean(values), 4),
                "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
                "n": len(values), "values": values}
        summary[name]["cpu_s"] = round(statistics.fmean(r["timing"]["cpu_s"] for r in group), 1)
    return summary


def summary_table(summary):
    """The summary as text lines: one row per variant, `mean +- sd (n)`
    (`-` where a variant lacks the figure)."""
    labels = list(dict.fromkeys(k for row in summary.values() for k in row
                                if k not in ("seeds", "cpu_s")))
    lines = ["variant".ljust(24) + "".join(label.rjust(22) for label in labels)
             + "mean CPU s".rjust(12)]
    for name, row in summary.items():
        cells = [f"{row[k]['mean']:.4f} +- {row[k]['sd']:.4f} ({row[k]['n']})" if k in row
                 else "-" for k in labels]
        lines.append(name.ljust(24) + "".join(c.rjust(22) for c in cells)
                     + f"{row['cpu_s']:12.1f}")
    return lines


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_variant(root, variant, recipe, extra, common=(), report_precision=None):
    out = Path(root) / variant
    command = [sys.executable, "-m", f"tfgan_zoo.recipes.{recipe}", *extra, *common,
               "--out", str(out)]
    print("$", " ".join(command), flush=True)
    start_load, start, cpu = load(), time.time(), children_cpu()
    subprocess.run(command, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    timing = {"wall_s": round(time.time() - start, 1), "cpu_s": round(children_cpu() - cpu, 1),
              "load_start": start_load, "load_end": load()}
    metrics = json.loads((out / "metrics.json").read_text())
    record = {"variant": variant, "command": " ".join(command[1:]), "timing": timing,
              "metrics": metrics}
    if report_precision:
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        record[f"metrics_{report_precision}"] = measure_in(out, recipe, report_precision)
        used = resource.getrusage(resource.RUSAGE_SELF)
        timing[f"report_{report_precision}_cpu_s"] = round(
            used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime, 1)
    # Read back by --summary-only: written whole or not at all.
    write_atomic(Path(root) / f"{variant}.json", json.dumps(record, indent=2).encode())
    return record


def measure_in(run_dir, recipe, precision):
    """The recipe's report (its `after`) on the run's newest checkpoint, with
    the model built in `precision` whatever it trained in, written to
    RUN/report-PRECISION/; returns its metrics. The process's policy is
    restored afterwards."""
    import dataclasses
    import importlib

    import keras
    from tfgan_zoo.rundir.run import load_run

    policy = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(precision)
    try:
        model, config = load_run(run_dir)
        out = Path(run_dir) / f"report-{precision}"
        out.mkdir(exist_ok=True)
        after = importlib.import_module(f"tfgan_zoo.recipes.{recipe}").after
        return after(model, dataclasses.replace(config, out=str(out)))
    finally:
        keras.mixed_precision.set_global_policy(policy)


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
        write_atomic(out, json.dumps(reports, indent=2).encode())
        print(f"written to {out}")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(COMPARISONS) + ["exclusion", "all"])
    parser.add_argument("--root", default="runs/restoration_medical",
                        help="folder of the runs (default runs/restoration_medical)")
    parser.add_argument("--steps", type=int,
                        help="train every variant this many steps (default: each recipe's)")
    parser.add_argument("--mixed-precision",
                        help="passed to every variant (default: each recipe's, auto)")
    parser.add_argument("--only", action="append", metavar="VARIANT",
                        help="run only this variant (repeatable; default: all of them)")
    parser.add_argument("--seeds", type=seed_list, default=(),
                        help="run every variant once per seed, e.g. 0,1 (default: the "
                             "recipe's seed, variants unsuffixed)")
    parser.add_argument("--exclusion-weights", type=weight_list, default=EXCLUSION_WEIGHTS,
                        help="the exclusion comparison's weights (default "
                             f"{','.join(f'{w:g}' for w in EXCLUSION_WEIGHTS)})")
    parser.add_argument("--summary-only", action="store_true",
                        help="summarise the variants' records under ROOT; run nothing")
    parser.add_argument("--report-precision", choices=REPORT_PRECISIONS,
                        help="also measure every variant's newest checkpoint with the model "
                             "in this precision, into RUN/report-PRECISION/ (default: only "
                             "the recipe's report, in the training precision)")
    args = parser.parse_args()
    names = sorted(COMPARISONS) + ["exclusion"] if args.name == "all" else [args.name]
    comparisons = {**COMPARISONS, "exclusion": exclusion_variants(args.exclusion_weights)}
    comparisons = {name: seeded(comparisons[name], args.seeds) for name in names}
    common = ([] if args.steps is None else ["--steps", str(args.steps)]) + (
        [] if args.mixed_precision is None else ["--mixed-precision", args.mixed_precision])
    known = {v[0] for name in names for v in comparisons[name]}
    unknown = sorted(set(args.only or ()) - known)
    if unknown:
        parser.error(f"unknown variant {', '.join(unknown)}: "
                     f"choose from {', '.join(sorted(known))}")
    for name in names:
        chosen = [v for v in comparisons[name] if not args.only or v[0] in args.only]
        if not args.summary_only:
            results = [run_variant(args.root, *variant, common, args.report_precision)
                       for variant in chosen]
            if not results:
                continue
            suffix = "".join(f"-{r['variant']}" for r in results) if args.only else ""
            path = Path(args.root) / f"{name}{suffix}.json"
            write_atomic(path, json.dumps(results, indent=2).encode())
            print(json.dumps(results, indent=2))
            print(f"written to {path}")
        records = [json.loads(p.read_text()) for p in
                   (Path(args.root) / f"{v[0]}.json" for v in comparisons[name]) if p.exists()]
        if name in SUMMARY_METRICS and records:
            summary = summarise(records, SUMMARY_METRICS[name])
            path = Path(args.root) / f"{name}-summary.json"
            write_atomic(path, json.dumps(summary, indent=2).encode())
            print("\n".join(summary_table(summary)))
            print(f"summary of {len(records)} runs written to {path}")
        for precision in REPORT_PRECISIONS:
            field = f"metrics_{precision}"
            measured = [r for r in records if field in r]
            if name in SUMMARY_METRICS and measured:
                summary = summarise(measured, SUMMARY_METRICS[name], field)
                path = Path(args.root) / f"{name}-summary-{precision}.json"
                write_atomic(path, json.dumps(summary, indent=2).encode())
                print(f"measured with {precision} inference:")
                print("\n".join(summary_table(summary)))
                print(f"summary of {len(measured)} runs written to {path}")


def seed_list(text):
    """"0,1" -> (0, 1)."""
    try:
        return tuple(int(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"seeds are comma-separated integers, e.g. 0,1; "
                                         f"got {text!r}") from None


def weight_list(text):
    """"0,1,10" -> (0.0, 1.0, 10.0), each >= 0."""
    try:
        weights = tuple(float(s) for s in text.split(","))
    except ValueError:
        weights = ()
    if not weights or min(weights) < 0:
        raise argparse.ArgumentTypeError(f"exclusion weights are comma-separated numbers >= 0, "
                                         f"e.g. 0,1,10,30; got {text!r}")
    return weights


if __name__ == "__main__":
    main()
