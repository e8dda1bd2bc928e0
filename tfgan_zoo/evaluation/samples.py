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

from tfgan_zoo.core import draw_prior
from tfgan_zoo.data import sample_real_images
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import metrics as M
from tfgan_zoo.evaluation.classifiers import CLASSIFIERS, cache_root, load_classifier
from tfgan_zoo.evaluation.clustering import cluster_accuracy
from tfgan_zoo.evaluation.inception import get_fid_inception
from tfgan_zoo.evaluation.swd import sliced_wasserstein
from tfgan_zoo.evaluation.tags import cached_tag_classifier, read_tags, tag_accuracy
from tfgan_zoo.files import read_json, write_npz_atomic
from tfgan_zoo.latent import NO_TRUNCATION


_METRIC = re.compile(r"^(fid|kid|pr|dc|swd|tags)$"
                     r"|^(score|fd|pr|acc|ifd|entropy|cluster)\[([a-z0-9-]+)\]$")
# Metrics of a classifier C that need the labels the fakes were drawn for.
LABELLED = ("acc[", "ifd[")


def parse_metrics(text):
    """'fid,kid,score[mnist-cnn]' -> list of names; UserError on unknown."""
    names = [m.strip() for m in re.split(r",(?![^\[]*\])", text) if m.strip()]
    for name in names:
        match = _METRIC.match(name)
        if not match or (match.group(3) and match.group(3) not in CLASSIFIERS):
            raise UserError(f"unknown metric {name!r}; choose from fid, kid, pr, dc, swd, tags, "
                            f"score[C], fd[C], pr[C], acc[C], ifd[C], entropy[C], cluster[C] "
                            f"with C in "
                            f"{', '.join(sorted(CLASSIFIERS))}")
    if not names:
        raise UserError("no metrics given; e.g. --metrics fid,kid,pr")
    return names


class SavedModelGenerator:
    """A generator exported by tfgan_zoo (see export/saved_model.py).

    `inputs` gives a value for each served input other than `z` and `label`
    (e.g. {"truncation": 0.5}), the same for every image; `truncation`
    defaults to none. Rows of a multi-column input such as `tags` can be
    passed to `generate` instead."""

    def __init__(self, path, inputs=None):
        self.path = Path(path)
        try:
            self.loaded = tf.saved_model.load(str(self.path))
            self.signature = self.loaded.signatures["serving_default"]
        except Exception as e:  # OSError, KeyError, a damaged graph or variables
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0][:160]
            raise UserError(f"{self.path}: cannot load a SavedModel with a serving_default "
                            f"signature ({type(e).__name__}: {reason}): export the run "
                            "again (python -m tfgan_zoo.export)") from None
        _, specs = self.signature.structured_input_signature
        if "z" not in specs:
            raise UserError(f"{self.path}: serving_default has no `z` input "
                            f"(inputs: {sorted(specs)})")
        self.latent_dim = int(specs["z"].shape[-1])
        self.conditional = "label" in specs
        self.specs = specs
        given = dict(inputs or {})
        unknown = set(given) - set(specs)
        if unknown:
            raise UserError(f"{self.path}: serving_default has no input "
                            f"{', '.join(sorted(unknown))} (inputs: {', '.join(sorted(specs))})")
        self.constants = {k: v for k, v in {"truncation": NO_TRUNCATION, **given}.items()
                          if k in specs}
        card = self.path / "model_card.json"
        described = (json.loads(card.read_text()).get("generator_inputs") or {}
                     if card.is_file() else {})
        others = [k for k in specs if k not in ("z", "label", *self.constants)]
        # Inputs the model card gives a prior (InfoGAN's codes) are drawn
        # from it; the rest need one value per image (e.g. tags), given to
        # `generate` as rows.
        self.priors = {k: (described.get(k) or {}).get("prior") for k in others
                       if (described.get(k) or {}).get("prior")}
        self.rows = sorted(k for k in others if k not in self.priors)

    def categorical_input(self):
        """The input a cluster accuracy scores images against: `label`, else
        the one input with a categorical prior, else None."""
        if self.conditional:
            return "label"
        found = [k for k, p in self.priors.items() if p.startswith("categorical")]
        return found[0] if len(found) == 1 else None

    def draw_inputs(self, n, seed, num_classes=None):
        """z ~ N(0, 1) and uniform labels as `sample_latents` draws them,
        then each input with a prior from it: {name: [n, ...]}."""
        z, labels = sample_latents(self.latent_dim, n, seed,
                                   num_classes if self.conditional else None)
        inputs = {"z": z} if labels is None else {"z": z, "label": labels}
        rng = np.random.default_rng([seed, 1])
        for name in sorted(self.priors):
            shape = [int(d) for d in self.specs[name].shape[1:]]
            inputs[name] = draw_prior(self.priors[name], (n, *shape), rng)
        return inputs

    def generate(self, z, labels=None, batch_size=100, rows=None, **inputs):
        """Images for z (and labels); `rows` {name: [N, ...]} feeds inputs
        that take one value per image (e.g. tags), `inputs` those with a
        prior (draw them with `draw_inputs`)."""
        rows = {**(rows or {}), **inputs}
        missing = [k for k in self.rows if k not in rows]
        if missing:
            raise UserError(f"{self.path}: no value for the generator input "
                            f"{', '.join(missing)}: pass --input NAME=VALUE")
        missing = sorted(set(self.priors) - set(rows))
        if missing:
            raise UserError(f"{self.path}: serving_default also takes {', '.join(missing)}; "
                            "draw them with draw_inputs")
        out = []
        for i in range(0, len(z), batch_size):
            part = slice(i, i + batch_size)
            feed = {"z": tf.constant(z[part])}
            if self.conditional:
                feed["label"] = tf.constant(labels[part], tf.int32)
            n = len(z[part])
            for name, value in self.constants.items():
                spec = self.specs[name]
                feed[name] = tf.constant(np.broadcast_to(
                    np.asarray(value, spec.dtype.as_numpy_dtype), (n,) + tuple(spec.shape[1:])))
            for name, value in rows.items():
                feed[name] = tf.constant(np.asarray(value[part],
                                                    self.specs[name].dtype.as_numpy_dtype))
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
                    kid_subsets=100, kid_subset_size=1000, fake_labels=None,
                    categories=None) -> dict:
    """Compute `metrics` of fake images (float NHWC in [-1, 1]) against the
    real side: `real` = (images, labels) given directly, or `dataset` sampled
    with `tfgan_zoo.data.sample_real_images` (`num_real` images, default as
    many as fake, at the fakes' size and channels; features cached).
    `fake_labels` are the classes the fakes were drawn for, which acc[C]
    and ifd[C] need. `categories` [N] is the categorical generator input of
    each fake (a label, InfoGAN's code), which `cluster[C]` scores: the
    Hungarian-matched agreement of C's reading with it
    (`clustering.cluster_accuracy`). Returns {"metrics": {...}, "protocol": {...}}."""
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
    if "tags" in metrics:
        if fake_labels is None or np.ndim(fake_labels) != 2:
            raise UserError("tags needs the tag vectors the fakes were drawn for "
                            "(a tag-conditional generator, e.g. tag_gan)")
        classifier = cached_tag_classifier(size)
        for group, value in tag_accuracy(read_tags(classifier, fake), fake_labels).items():
            values[f"tags[{group}]"] = value
        protocol["tags"] = {"classifier": "cartoon-tags-cnn", "real_faces": classifier.accuracy}
    if "swd" in metrics:
        real_side = real_images()[0]
        values.update(sliced_wasserstein(real_side, fake[:len(real_side)]))
        protocol["swd"] = {"images": min(len(real_side), len(fake)), "patch": 7,
                           "per_image": 128, "directions": "4 x 128", "scale": "x 1e3"}
    for name in metrics:
        if "[" not in name:
            continue
        if name.startswith(LABELLED) and fake_labels is None:
            raise UserError(f"{name} needs the labels the fakes were drawn for "
                            "(a conditional generator)")
        if name.startswith("cluster[") and categories is None:
            raise UserError(f"{name} needs the generator's categorical input (a label "
                            "or InfoGAN's code); this generator has none")
        clf = _classifier(name[name.index("[") + 1:-1])
        protocol[f"classifier[{clf.classifier_name}]"] = clf.protocol()
        if name.startswith("cluster["):
            read = clf.predict_logits(fake).argmax(axis=1)
            values[name], mapping = cluster_accuracy(categories, read)
            protocol[name] = {"matching": "Hungarian (scipy linear_sum_assignment)",
                              "input_to_class": mapping}
        elif name.startswith("score["):
            values[name] = M.classifier_score(clf.predict_logits(fake))[0]
            values[name + "_real"] = M.classifier_score(
                clf.predict_logits(real_images()[0]))[0]
            protocol["num_real"] = len(real_images()[0])
        elif name.startswith("fd["):
            values[name] = M.fid_from_features(
                real_features(clf, clf.features), clf.features(fake))
        elif name.startswith("pr["):
            values[f"precision[{clf.classifier_name}]"], values[f"recall[{clf.classifier_name}]"] = \
                M.precision_recall(real_features(clf, clf.features), clf.features(fake), 3)
            protocol[name] = {"k": 3, "features": f"{clf.classifier_name} penultimate"}
        elif name.startswith("acc["):
            values[name] = M.class_accuracy(clf.predict_logits(fake), fake_labels)
        elif name.startswith("entropy["):
            values[name], values[name + "_below_half"] = M.class_entropy(
                clf.predict_logits(fake))
            values[name + "_real"] = M.class_entropy(clf.predict_logits(real_images()[0]))[0]
        else:  # ifd[C]: the real side's labels come with its images
            real_x, real_y = real_images()
            if real_y is None:
                raise UserError(f"{name} needs a labelled real dataset")
            values[name] = M.intra_class_fd(clf.features(real_x), real_y,
                                            clf.features(fake), fake_labels)[0]
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
        elif key in ("kid", "pr", "dc", "swd"):
            lines.append(f"  {key:<10} " + ", ".join(f"{k} {v}" for k, v in value.items()))
    return "\n".join(lines)
