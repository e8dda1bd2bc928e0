"""Export report: size, latency and fidelity of every LiteRT variant of a
recipe's generator, and SavedModel parity.

    python benchmarks/export_report.py --recipe dcgan --steps 300   # train briefly
    python benchmarks/export_report.py --run-dir runs/dcgan         # a trained run
    python benchmarks/export_report.py --registry                   # every model, test-sized

For each variant (float32, float16, dynamic, int8): file size, median and
best latency of one batch-1 invocation with `ai_edge_litert` (1 thread, XNNPACK,
this machine), max abs diff and PSNR (images in [-1, 1], peak-to-peak 2)
against the Keras generator on held-out inputs. int8 is calibrated on the
recipe's own noise and data, as `python -m tfgan_zoo.export` does.

`--registry` measures every registered model at 16x16x1 with latent_dim 8
(and its `test_config`), with weights at fan-in scale as in
tests/support/models.py's build_for_export (at DCGAN's N(0, 0.02) init the
images are ~0 and every check passes trivially).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tfgan_zoo import registry  # noqa: E402
from tfgan_zoo.export.saved_model import export_saved_model  # noqa: E402
from tfgan_zoo.export import tflite  # noqa: E402


def keras_images(model, inputs):
    return model.generate_from({k: tf.convert_to_tensor(v) for k, v in inputs.items()},
                               training=False).numpy()


def saved_model_parity(model, inputs, runs=50):
    """(max abs diff vs Keras, (median, best) ms of one batch-1 call) of
    the exported SavedModel's serving_default."""
    with tempfile.TemporaryDirectory() as tmp:
        path = export_saved_model(model, os.path.join(tmp, "export"), warmup=False)
        signature = tf.saved_model.load(str(path)).signatures["serving_default"]
        out = signature(**{k: tf.constant(v) for k, v in inputs.items()})
        diff = float(np.abs(out["images_float"].numpy() - keras_images(model, inputs)).max())
        one = {k: tf.constant(v[:1]) for k, v in inputs.items()}
        for _ in range(3):
            signature(**one)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            signature(**one)["images"].numpy()
            times.append(time.perf_counter() - start)
    return diff, (1000 * statistics.median(times), 1000 * min(times))


def measure(model, label, config=None, inputs=64, latency_runs=200, calibration=100):
    held_out = model.example_inputs(inputs, seed=1_000_003)
    diff, tf_ms = saved_model_parity(model, held_out)
    _, card = tflite.convert_variants(
        model, tflite.QUANTIZATIONS, config=config, name=label,
        calibration_samples=calibration, measure_inputs=inputs,
        latency_runs=latency_runs)
    return {"model": label, "image_shape": list(model.image_shape),
            "latent_dim": model.latent_dim,
            "generator_parameters": int(sum(n.count_params()
                                            for n in model.export_networks())),
            "saved_model_max_abs_diff": diff, "saved_model_batch1_ms": tf_ms,
            "calibration": card.get("calibration"), "variants": card["variants"]}


def train_recipe(name, steps, out):
    from tfgan_zoo.recipes import get_recipe
    from tfgan_zoo.training.trainer import train
    recipe = get_recipe(name).RECIPE
    config = dataclasses.replace(recipe, steps=steps, out=out, sample_every=10 ** 9,
                                 checkpoint_every=steps, log_every=10 ** 9,
                                 epoch_steps=min(steps, 100), export=False)
    start = time.time()
    model = train(config, verbose=0)
    return model, config, time.time() - start


def spread_weights(model, seed=1):
    rng = np.random.default_rng(seed)
    for network in model.export_networks():
        for w in network.trainable_weights:
            if len(w.shape) >= 2:
                fan_in = int(np.prod(w.shape[:-1]))
                w.assign(rng.normal(0, fan_in ** -0.5, w.shape).astype("float32"))


def table(reports):
    lines = ["| model | variant | size (KiB) | latency ms/image, median / best "
             "| max abs diff vs Keras | PSNR vs float (dB) |",
             "|---|---|---:|---:|---:|---:|"]
    for r in reports:
        lines.append(f"| {r['model']} | SavedModel (TF, batch 1) | | "
                     f"{r['saved_model_batch1_ms'][0]:.3f} / "
                     f"{r['saved_model_batch1_ms'][1]:.3f} | "
                     f"{r['saved_model_max_abs_diff']:.1e} | |")
        for variant, v in r["variants"].items():
            psnr = "identical" if v["psnr_db_vs_float"] is None else \
                f"{v['psnr_db_vs_float']:.1f}"
            lines.append(f"| {r['model']} | {variant} | {v['bytes'] / 1024:.1f} | "
                         f"{v['latency_ms']:.3f} / {v['latency_ms_best']:.3f} | "
                         f"{v['max_abs_diff_vs_keras']:.1e} | "
                         f"{psnr} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--recipe", nargs="+", help="recipe name(s) to train briefly")
    source.add_argument("--run-dir", help="a trained run directory")
    source.add_argument("--registry", action="store_true",
                        help="every registered model, test-sized, fan-in weights")
    parser.add_argument("--steps", type=int, default=300, help="training steps per recipe")
    parser.add_argument("--inputs", type=int, default=64, help="held-out inputs")
    parser.add_argument("--latency-runs", type=int, default=200)
    parser.add_argument("--calibration-samples", type=int, default=100)
    parser.add_argument("--json", help="also write the raw report here")
    args = parser.parse_args(argv)
    kwargs = dict(inputs=args.inputs, latency_runs=args.latency_runs,
                  calibration=args.calibration_samples)
    reports = []
    if args.registry:
        for name in registry.model_names():
            cls = registry.get_model_class(name)
            settings = dict(image_shape=(16, 16, 1), num_classes=10, latent_dim=8, seed=1)
            settings.update(getattr(cls, "test_config", {}))  # as tests/support/models.py
            model = cls(**settings)
            model.build_networks()
            spread_weights(model)
            reports.append(measure(model, name, **kwargs))
    elif args.run_dir:
        from tfgan_zoo.rundir.run import load_run
        model, config = load_run(args.run_dir)
        reports.append(measure(model, config.recipe, config, **kwargs))
        reports[-1]["training_step"] = model.step
    else:
        for name in args.recipe:
            with tempfile.TemporaryDirectory() as out:
                model, config, seconds = train_recipe(name, args.steps, out)
                reports.append(measure(model, name, config, **kwargs))
                reports[-1].update(training_steps=args.steps,
                                   training_seconds=round(seconds, 1))
    print(f"# export report, {datetime.date.today()}, {tflite.machine()}, "
          f"{os.cpu_count()} CPUs, TF {tf.__version__}, load average at the end "
          f"{os.getloadavg()[0]:.1f}")
    print(f"# {' '.join(sys.argv)}")
    for r in reports:
        print(f"# {r['model']}: image {r['image_shape']}, latent {r['latent_dim']}, "
              f"{r['generator_parameters']:,} generator parameters"
              + (f", trained {r['training_steps']} steps in {r['training_seconds']} s"
                 if "training_steps" in r else "")
              + (f"; int8 calibration: {r['calibration']['source']}"
                 if r.get("calibration") else ""))
    print(table(reports))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(reports, f, indent=2, default=float)


if __name__ == "__main__":
    main()
