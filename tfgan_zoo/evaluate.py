"""Evaluate a trained generator, printing the full protocol with every number.

    python -m tfgan_zoo.evaluate RUN_DIR --metrics fid,kid,pr --num-samples 1000
    python -m tfgan_zoo.evaluate path/to/savedmodel --dataset mnist5k --metrics fid

RUN_DIR holds config.json and export/ (a SavedModel whose serving_default
takes `z` [N, latent_dim] and, if conditional, `label` [N], and returns
`images_float` in [-1, 1]). z ~ N(0, 1) from a numpy RNG seeded by --seed;
labels uniform over the dataset's classes.

Metrics (names as printed and stored in the JSON):
  fid                 Fréchet Inception Distance (Heusel et al. 2017)
  kid                 Kernel Inception Distance, mean and std over subsets
                      (Bińkowski et al. 2018)
  pr                  precision / recall, k=3 (Kynkäänniemi et al. 2019)
  dc                  density / coverage, k=5 (Naeem et al. 2020)
  score[CLASSIFIER]   exp(E KL(p(y|x) || p(y))) on a project classifier
  fd[CLASSIFIER]      Fréchet distance on that classifier's features
fid, kid, pr and dc use the FID Inception's pool3 features. Real-side
features are cached under $TFGAN_ZOO_CACHE/fid_stats (default
~/.cache/tfgan_zoo), keyed by a hash of the protocol.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

from tfgan_zoo.errors import UserError

_METRIC = re.compile(r"^(fid|kid|pr|dc)$|^(score|fd)\[([a-z0-9-]+)\]$")


def parse_metrics(text):
    """'fid,kid,score[mnist-cnn]' -> list of names; UserError on unknown."""
    from tfgan_zoo.evaluation.classifiers import CLASSIFIERS
    names = [m.strip() for m in re.split(r",(?![^\[]*\])", text) if m.strip()]
    for name in names:
        match = _METRIC.match(name)
        if not match or (match.group(3) and match.group(3) not in CLASSIFIERS):
            raise UserError(f"unknown metric {name!r}; choose from fid, kid, pr, dc, "
                            f"score[C], fd[C] with C in {', '.join(sorted(CLASSIFIERS))}")
    if not names:
        raise UserError("no metrics given; e.g. --metrics fid,kid,pr")
    return names


# ------------------------------------------------------------ the generator

class SavedModelGenerator:
    """A generator exported by tfgan_zoo (see export/saved_model.py)."""

    def __init__(self, path):
        import tensorflow as tf
        self.path = Path(path)
        try:
            self.loaded = tf.saved_model.load(str(self.path))
            self.signature = self.loaded.signatures["serving_default"]
        except (OSError, KeyError, ValueError) as e:
            raise UserError(f"{self.path}: cannot load a SavedModel with a "
                            f"serving_default signature ({type(e).__name__})") from None
        _, inputs = self.signature.structured_input_signature
        if "z" not in inputs:
            raise UserError(f"{self.path}: serving_default has no `z` input "
                            f"(inputs: {sorted(inputs)})")
        self.latent_dim = int(inputs["z"].shape[-1])
        self.conditional = "label" in inputs

    def generate(self, z, labels=None, batch_size=100):
        import tensorflow as tf
        out = []
        for i in range(0, len(z), batch_size):
            feed = {"z": tf.constant(z[i:i + batch_size])}
            if self.conditional:
                feed["label"] = tf.constant(labels[i:i + batch_size], tf.int32)
            out.append(self.signature(**feed)["images_float"].numpy())
        return np.concatenate(out)


def resolve_target(path):
    """RUN_DIR (config.json + export/) or a SavedModel dir -> (savedmodel
    dir, config dict, default output folder)."""
    path = Path(path)
    if (path / "config.json").is_file() and (path / "export").is_dir():
        return path / "export", json.loads((path / "config.json").read_text()), path
    if (path / "saved_model.pb").is_file():
        extra = path / "assets.extra" / "config.json"  # written by export_generator
        config = json.loads(extra.read_text()) if extra.is_file() else {}
        return path, config, path.parent
    raise UserError(f"{path} is neither a run directory (config.json + export/) "
                    "nor a SavedModel directory")


def sample_latents(latent_dim, n, seed, num_classes=None):
    """z ~ N(0, 1) and uniform labels from a numpy RNG seeded by `seed`."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, latent_dim)).astype(np.float32)
    labels = None if num_classes is None else rng.integers(0, num_classes, n).astype(np.int32)
    return z, labels


# ------------------------------------------------------------ the real side

def _write_npz_atomic(path, **arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)


def reference_features(extractor, protocol, images_fn, use_cache=True):
    """Features of the real side, computed once per protocol and cached in
    $TFGAN_ZOO_CACHE/fid_stats/<hash>.npz (features, mean, covariance and the
    protocol itself). `protocol` must name everything the numbers depend on:
    extractor weights hash, dataset, split, image size, N, resize."""
    from tfgan_zoo.evaluation.classifiers import cache_root
    text = json.dumps(protocol, sort_keys=True, default=str)
    key = hashlib.sha256(text.encode()).hexdigest()[:20]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(protocol.get("dataset", "data")))[-40:]
    path = cache_root() / "fid_stats" / f"{name}-{key}.npz"
    if use_cache and path.is_file():
        with np.load(path) as cached:
            return cached["features"]
    features = extractor(images_fn())
    if use_cache:
        _write_npz_atomic(path, features=features, mean=features.mean(axis=0),
                          cov=np.cov(features, rowvar=False) if len(features) > 1 else 0,
                          protocol=np.array(text))
    return features


def _sample_real(dataset, n, image_size, channels, split, data_dir, seed):
    try:
        from tfgan_zoo.data import sample_real_images
    except ImportError as e:
        raise UserError(f"cannot load real images: tfgan_zoo.data is unavailable ({e})")
    images, labels = sample_real_images(dataset, n, image_size=image_size,
                                        channels=channels, data_dir=data_dir,
                                        split=split, seed=seed)
    return np.asarray(images, np.float32), labels


# ------------------------------------------------------------ the metrics

@functools.lru_cache(maxsize=4)
def _classifier(name):
    from tfgan_zoo.evaluation.classifiers import load_classifier
    return load_classifier(name)


def evaluate_images(fake, metrics=("fid",), *, dataset=None, real=None, num_real=None,
                    split="train", data_dir=None, real_seed=0, fid_weights=None,
                    jit_compile=None, batch_size=None, use_cache=True,
                    kid_subsets=100, kid_subset_size=1000) -> dict:
    """Compute `metrics` of fake images (float NHWC in [-1, 1]) against the
    real side: `real` = (images, labels) given directly, or `dataset` sampled
    with `tfgan_zoo.data.sample_real_images` (`num_real` images, default as
    many as fake, at the fakes' size and channels; features cached).
    Returns {"metrics": {...}, "protocol": {...}}."""
    from tfgan_zoo.evaluation import metrics as M
    fake = np.asarray(fake, np.float32)
    if fake.ndim != 4:
        raise UserError(f"fake images must be NHWC, got shape {fake.shape}")
    metrics = parse_metrics(metrics if isinstance(metrics, str) else ",".join(metrics))
    n_real = len(real[0]) if real is not None else int(num_real or len(fake))
    size, channels = int(fake.shape[1]), int(fake.shape[-1])
    data = {"dataset": dataset or "given arrays", "split": split, "num_real": n_real,
            "num_fake": len(fake), "image_size": size, "channels": channels,
            "real_seed": real_seed}
    real_images = functools.lru_cache(maxsize=1)(
        lambda: real if real is not None else
        _sample_real(dataset, n_real, size, channels, split, data_dir, real_seed))
    if real is None and dataset is None:
        raise UserError("no real side: pass a dataset name (--dataset) or real images")

    def real_features(extractor, features_fn):
        key = {**data, "data_dir": str(data_dir), **extractor.protocol()}
        del key["num_fake"]  # the real side does not depend on it
        if real is not None:  # arrays given: nothing to key a cache on
            features = features_fn(real[0])
        else:
            features = reference_features(features_fn, key,
                                          lambda: real_images()[0], use_cache)
        protocol["num_real"] = len(features)  # a small dataset may hold fewer
        return features

    values, protocol = {}, dict(data)
    inception_metrics = [m for m in metrics if m in ("fid", "kid", "pr", "dc")]
    if inception_metrics:
        from tfgan_zoo.evaluation.inception import get_fid_inception
        net = get_fid_inception(fid_weights, jit_compile, batch_size)
        protocol["inception"] = net.protocol()
        real_f = real_features(net, net.features)
        fake_f = net.features(fake)
        if "fid" in metrics:
            values["fid"] = M.fid_from_features(real_f, fake_f)
        if "kid" in metrics:
            values["kid"], values["kid_std"] = M.kernel_inception_distance(
                real_f, fake_f, kid_subsets, kid_subset_size, seed=0)
            protocol["kid"] = {"subsets": kid_subsets, "subset_size": min(
                kid_subset_size, len(real_f), len(fake_f)), "kernel": "(x.y/d+1)^3"}
        if "pr" in metrics:
            values["precision"], values["recall"] = M.precision_recall(real_f, fake_f, 3)
            protocol["pr"] = {"k": 3, "features": "inception pool3"}
        if "dc" in metrics:
            values["density"], values["coverage"] = M.density_coverage(real_f, fake_f, 5)
            protocol["dc"] = {"k": 5, "features": "inception pool3"}
    for name in metrics:
        if name.startswith(("score[", "fd[")):
            clf = _classifier(name[name.index("[") + 1:-1])
            protocol[f"classifier[{clf.classifier_name}]"] = clf.protocol()
            if name.startswith("score["):
                values[name] = M.classifier_score(clf.predict_logits(fake))[0]
                values[name + "_real"] = M.classifier_score(
                    clf.predict_logits(real_images()[0]))[0]
                protocol["num_real"] = len(real_images()[0])
            else:
                values[name] = M.fid_from_features(
                    real_features(clf, clf.features), clf.features(fake))
    return {"metrics": values, "protocol": protocol}


def format_table(result) -> str:
    """The numbers, then the protocol they depend on."""
    values, p = result["metrics"], result["protocol"]
    lines = [f"{'metric':<24} value"]
    for name, value in values.items():
        if name.endswith("_std"):
            continue
        std = values.get(name + "_std")
        shown = f"{value:.6g}" + (f" ± {std:.2g}" if std is not None else "")
        lines.append(f"{name:<24} {shown}")
    lines.append("protocol")
    lines.append(f"  samples    {p['num_real']} real ({p['dataset']}, split {p['split']}, "
                 f"seed {p['real_seed']}) vs {p['num_fake']} fake"
                 + (f" (seed {p['seed']})" if "seed" in p else "")
                 + f"; {p['image_size']}x{p['image_size']}x{p['channels']}")
    if "inception" in p:
        inc = p["inception"]
        lines.append(f"  network    {inc['network']}; weights {inc['weights']} "
                     f"sha256 {inc['weights_sha256']}")
        lines.append(f"  resize     {inc['resize']}")
        lines.append(f"  input      {inc['input']}")
    for key, value in p.items():
        if key.startswith("classifier["):
            lines.append(f"  {key}  trained on {value['trained_on']}, held-out "
                         f"accuracy {value['heldout_accuracy']:.3f}, weights sha256 "
                         f"{value['weights_sha256']}")
        elif key in ("kid", "pr", "dc"):
            lines.append(f"  {key:<10} " + ", ".join(f"{k} {v}" for k, v in value.items()))
    return "\n".join(lines)


def _write_json_atomic(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tfgan_zoo.evaluate", description=__doc__.split("\n")[0],
        epilog=__doc__[__doc__.index("Metrics"):],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", help="RUN_DIR (config.json + export/) or a SavedModel dir")
    parser.add_argument("--metrics", default="fid", help="comma-separated (default: fid)")
    parser.add_argument("--num-samples", type=int, default=1000,
                        help="fake images, and real ones unless --num-real (default: 1000)")
    parser.add_argument("--num-real", type=int, default=None,
                        help="real images (default: --num-samples; fewer if the "
                        "dataset is smaller)")
    parser.add_argument("--dataset", help="real dataset (default: the run's config.json)")
    parser.add_argument("--split", default="train", help="(default: train)")
    parser.add_argument("--data-dir", default=None,
                        help="TFDS data directory (default: the run's config.json)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of z and labels (default: 0)")
    parser.add_argument("--real-seed", type=int, default=0,
                        help="seed of the real sample (default: 0)")
    parser.add_argument("--num-classes", type=int, default=None,
                        help="label range for conditional models (default: from the data)")
    parser.add_argument("--fid-weights", default=None, help="FID Inception weights file")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="Inception batch (default: 16 on CPU, 64 on GPU)")
    parser.add_argument("--jit", choices=("auto", "on", "off"), default="auto",
                        help="XLA for Inception (default: auto = on GPU only; on "
                        "CPU it was slower)")
    parser.add_argument("--no-cache", action="store_true", help="recompute real features")
    parser.add_argument("--kid-subsets", type=int, default=100, help="(default: 100)")
    parser.add_argument("--kid-subset-size", type=int, default=1000,
                        help="capped at N (default: 1000)")
    parser.add_argument("--output", default=None, help="JSON results path (default: "
                        "<run dir>/eval/<metrics>-n<N>-seed<S>.json)")
    args = parser.parse_args(argv)
    try:
        result, output = _run(args)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(format_table(result))
    print(f"wrote {output}")
    return 0


def _run(args):
    started = time.time()
    metrics = parse_metrics(args.metrics)
    if args.num_samples < 2:
        raise UserError(f"--num-samples must be at least 2, got {args.num_samples}")
    export, config, out_dir = resolve_target(args.target)
    dataset = args.dataset or config.get("dataset")
    if not dataset:
        raise UserError(f"{args.target} names no dataset; pass --dataset NAME")
    data_dir = args.data_dir or config.get("data_dir")
    generator = SavedModelGenerator(export)
    num_classes = None
    if generator.conditional:
        num_classes = args.num_classes or config.get("num_classes")
        if not num_classes:
            from tfgan_zoo.data import load_dataset
            num_classes = load_dataset(dataset, batch_size=1, split=args.split,
                                       data_dir=data_dir, shuffle=False, repeat=False,
                                       drop_remainder=False).num_classes
            if not num_classes:
                raise UserError(f"{dataset} has no labels; pass --num-classes")
    z, labels = sample_latents(generator.latent_dim, args.num_samples, args.seed, num_classes)
    fake = generator.generate(z, labels)
    result = evaluate_images(
        fake, metrics, dataset=dataset, num_real=args.num_real, split=args.split,
        data_dir=data_dir, real_seed=args.real_seed, fid_weights=args.fid_weights,
        jit_compile={"auto": None, "on": True, "off": False}[args.jit],
        batch_size=args.batch_size,
        use_cache=not args.no_cache, kid_subsets=args.kid_subsets,
        kid_subset_size=args.kid_subset_size)
    result["protocol"].update({"generator": str(export), "seed": args.seed,
                               "latent": f"z ~ N(0,1), {generator.latent_dim}-d",
                               "labels": (f"uniform over {num_classes} classes"
                                          if num_classes else None)})
    result["seconds"] = round(time.time() - started, 1)
    name = "-".join(re.sub(r"[\[\]]", "", m) for m in metrics)
    output = Path(args.output or out_dir / "eval" /
                  f"{name}-n{args.num_samples}-seed{args.seed}.json")
    _write_json_atomic(output, result)
    return result, output


if __name__ == "__main__":
    sys.exit(main())
