"""Score generated images against real ones: FID, KID, precision/recall,
density/coverage on the standard Inception features, and scores of the
project's own classifiers (`evaluate_images`), plus the exported generator
they are drawn from (`SavedModelGenerator`). `python -m tfgan_zoo.evaluate`
is the command line over these."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import sample_real_images
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import metrics as M
from tfgan_zoo.evaluation.classifiers import CLASSIFIERS, cache_root, load_classifier
from tfgan_zoo.evaluation.inception import get_fid_inception
from tfgan_zoo.files import read_json, write_npz_atomic


_METRIC = re.compile(r"^(fid|kid|pr|dc)$|^(score|fd)\[([a-z0-9-]+)\]$")


def parse_metrics(text):
    """'fid,kid,score[mnist-cnn]' -> list of names; UserError on unknown."""
    names = [m.strip() for m in re.split(r",(?![^\[]*\])", text) if m.strip()]
    for name in names:
        match = _METRIC.match(name)
        if not match or (match.group(3) and match.group(3) not in CLASSIFIERS):
            raise UserError(f"unknown metric {name!r}; choose from fid, kid, pr, dc, "
                            f"score[C], fd[C] with C in {', '.join(sorted(CLASSIFIERS))}")
    if not names:
        raise UserError("no metrics given; e.g. --metrics fid,kid,pr")
    return names


class SavedModelGenerator:
    """A generator exported by tfgan_zoo (see export/saved_model.py)."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            self.loaded = tf.saved_model.load(str(self.path))
            self.signature = self.loaded.signatures["serving_default"]
        except Exception as e:  # OSError, KeyError, a damaged graph or variables
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0][:160]
            raise UserError(f"{self.path}: cannot load a SavedModel with a serving_default "
                            f"signature ({type(e).__name__}: {reason}): export the run "
                            "again (python -m tfgan_zoo.export)") from None
        _, inputs = self.signature.structured_input_signature
        if "z" not in inputs:
            raise UserError(f"{self.path}: serving_default has no `z` input "
                            f"(inputs: {sorted(inputs)})")
        self.latent_dim = int(inputs["z"].shape[-1])
        self.conditional = "label" in inputs

    def generate(self, z, labels=None, batch_size=100):
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
        return path / "export", read_json(path / "config.json", "run settings",
                                          "restore it, or pass --dataset and evaluate "
                                          "RUN/export directly"), path
    if (path / "saved_model.pb").is_file():
        extra = path / "assets.extra" / "config.json"  # written by export_saved_model
        config = read_json(extra, "export's training config", "delete it and pass "
                           "--dataset") if extra.is_file() else {}
        return path, config, path.parent
    raise UserError(f"{path} is neither a run directory (config.json + export/) "
                    "nor a SavedModel directory")


def sample_latents(latent_dim, n, seed, num_classes=None):
    """z ~ N(0, 1) and uniform labels from a numpy RNG seeded by `seed`."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, latent_dim)).astype(np.float32)
    labels = None if num_classes is None else rng.integers(0, num_classes, n).astype(np.int32)
    return z, labels


def reference_features(extractor, protocol, images_fn, use_cache=True):
    """Features of the real side, computed once per protocol and cached in
    $TFGAN_ZOO_CACHE/fid_stats/<hash>.npz (features, mean, covariance and the
    protocol itself). `protocol` must name everything the numbers depend on:
    extractor weights hash, dataset, split, image size, N, resize."""
    text = json.dumps(protocol, sort_keys=True, default=str)
    key = hashlib.sha256(text.encode()).hexdigest()[:20]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(protocol.get("dataset", "data")))[-40:]
    path = cache_root() / "fid_stats" / f"{name}-{key}.npz"
    if use_cache and path.is_file():
        try:
            with np.load(path) as cached:
                return cached["features"]
        except (OSError, ValueError, KeyError, EOFError) as e:
            raise UserError(f"cached features {path} do not read ({type(e).__name__}): "
                            "delete the file (it is recomputed) or pass --no-cache") from None
    features = extractor(images_fn())
    if use_cache:
        write_npz_atomic(path, "cached features", features=features, mean=features.mean(axis=0),
                          cov=np.cov(features, rowvar=False) if len(features) > 1 else 0,
                          protocol=np.array(text))
    return features


def _sample_real(dataset, n, image_size, channels, split, data_dir, seed):
    images, labels = sample_real_images(dataset, n, image_size=image_size,
                                        channels=channels, data_dir=data_dir,
                                        split=split, seed=seed)
    return np.asarray(images, np.float32), labels


@functools.lru_cache(maxsize=4)
def _classifier(name):
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
