"""What the cross-domain generation recipes write after training, each on
the test split of its data: DTN's `transfer_report` (a target-domain
classifier reads the source label on G(x)), PixelDTGAN's `product_report`
(a product classifier reads the garment class on C(figure)) and PG2's
`pose_report` (SSIM and mask-SSIM against the true render, and PCK of a
keypoint regressor against the requested pose). Each writes
RUN/metrics.json, which the model card carries, and a grid.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.data.digit_domains import domain_images
from tfgan_zoo.data.figures import lookbook_arrays
from tfgan_zoo.data.persons import heatmaps, pose_pairs
from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.evaluation.keypoints import load_keypoint_regressor, pck
from tfgan_zoo.evaluation.metrics import ssim
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid


def _batched(fn, *arrays, batch=200):
    return np.concatenate([np.asarray(fn(*(tf.constant(a[i:i + batch]) for a in arrays)))
                           for i in range(0, len(arrays[0]), batch)])


def _write(config, result, name, rows, metrics="metrics.json"):
    out = Path(config.out)
    write_atomic(out / metrics, json.dumps(result, indent=2).encode())
    save_grid(out / name, np.concatenate(rows), rows=len(rows), scale=3)
    print(json.dumps(result, indent=2))
    print(f"Held-out metrics in {out / metrics}, grid in {out / name}")


class _Logits:
    """A network as `_read` reads classifiers."""

    def __init__(self, network):
        self.network = network

    def predict_logits(self, images):
        return _batched(self.network, images)


def _read(classifier, images, labels):
    return round(float((classifier.predict_logits(images).argmax(1) == labels).mean()), 4)


# -------------------------------------------------------------------- DTN
def f_constancy(model, images):
    """mean ||f(x) - f(G(x))||^2 over the feature dimensions (L_CONST / alpha)."""
    def distance(x):
        return tf.reduce_mean(tf.square(model.encoder(x) - model.encoder(model.translate(x))),
                              axis=1)
    return float(_batched(distance, images).mean())


def transfer_report(model, config, phase=None, reader="mnist-cnn", shown=16):
    """DTN's check on the source domain's test split: how often a classifier
    of the target domain trained without the held-out digits (`reader`,
    `tfgan_zoo.evaluation.classifiers`) reads the source label on G(x), and
    on x itself (no transfer); f-constancy of the trained G against an
    untrained g; how often f's own head reads the source label on x and on
    G(x), and the target's labels on the target test split (L_CONST keeps
    f's reading of x in G(x): where f misreads digits of the target's
    style, G(x) can satisfy f and show another digit); the target identity
    error. Grid rows: source, G(source),
    target, G(target)."""
    source, target = model.source_domains[0], model.target_domain
    images, labels = domain_images(source, "test", model.image_shape)
    targets, target_labels = domain_images(target, "test", model.image_shape)
    transferred = _batched(model.translate, images)
    identity = _batched(model.translate, targets)
    classifier = load_classifier(reader)
    f = _Logits(lambda x: model.source_head(model.encoder(x)))
    untrained = type(model).from_config(model.get_config())
    untrained.encoder.set_weights(model.encoder.get_weights())
    result = {
        "source_domain": source, "target_domain": target, "split": "test",
        "reader": classifier.protocol(),
        "reader_accuracy": {"G(x)": _read(classifier, transferred, labels),
                            "x (no transfer)": _read(classifier, images, labels)},
        # f's own head (the target's labels are read here, by the evaluator)
        "f_reads": {"x": _read(f, images, labels), "G(x)": _read(f, transferred, labels),
                    f"{target} test": _read(f, targets, target_labels)},
        "f_constancy": {"trained": round(f_constancy(model, images), 5),
                        "untrained g": round(f_constancy(untrained, images), 5)},
        "target_identity_mse": round(float(np.mean((identity - targets) ** 2)), 5)}
    _write(config, result, "transfer.png",
           [images[:shown], transferred[:shown], targets[:shown], identity[:shown]])
    return result


# ------------------------------------------------------------- PixelDTGAN
# The classifiers of clean products that can read PixelDTGAN's output: the
# first is the report's default, which every figure before 2026-12-07 used.
PRODUCT_READERS = ("products-cnn", "catalogue-cnn")
PRODUCT_READER = PRODUCT_READERS[0]


def product_report(model, config, reader=PRODUCT_READER, shown=16, metrics="metrics.json"):
    """PixelDTGAN's check on lookbook's test pairs (garments and photos no
    model or classifier trained on): how often `reader`, a classifier of
    clean products trained on Fashion-MNIST's training split only
    (`products-cnn`: the lookbook training products; `catalogue-cnn`: all
    60,000 items as products), reads the garment class on C(figure), and on
    the true products (its ceiling); SSIM of C(figure) to the true product.
    Written to RUN/`metrics`. Grid rows: figure (shrunk), C(figure), true
    product."""
    figures, products, classes = lookbook_arrays("test")
    figures = figures.astype(np.float32) / 127.5 - 1.0
    products = products.astype(np.float32) / 127.5 - 1.0
    converted = _batched(model.translate, figures)
    classifier = load_classifier(reader)
    result = {"dataset": "lookbook", "split": "test", "pairs": len(figures),
              "association_discriminator": model.association,
              "adversarial": model.adversarial, "pixel_weight": model.pixel_weight,
              "reader": classifier.protocol(),
              "reader_accuracy": {"C(figure)": _read(classifier, converted, classes),
                                  "true product": _read(classifier, products, classes)},
              "ssim_to_product": round(ssim(converted, products), 4)}
    shrunk = tf.image.resize(figures[:shown], model.image_shape[:2], antialias=True).numpy()
    _write(config, result, "products.png", [shrunk, converted[:shown], products[:shown]],
           metrics)
    return result


# -------------------------------------------------------------------- PG2
def masked(images, masks):
    """The person alone: the background set to 0 (mid grey), as PG2's
    mask-SSIM compares images (score_mask.py)."""
    return images * masks


def pose_report(model, config, threshold=0.1, shown=12):
    """PG2's check on the test pairs of `poses` (people and backgrounds no
    model trained on): SSIM and mask-SSIM of Stage II's output, of Stage I's
    alone and of copying I_A, each against the true render I_B; PCK@0.1 of
    a keypoint regressor trained on renders (`tfgan_zoo.evaluation.keypoints`)
    against the requested pose, on each of them and on I_B itself (the
    regressor's ceiling). Grid rows: I_A, pose B, Stage I, Stage II, I_B."""
    image_a, _, image_b, points_b, mask_b = pose_pairs("test")
    image_a = image_a.astype(np.float32) / 127.5 - 1.0
    image_b = image_b.astype(np.float32) / 127.5 - 1.0
    masks = mask_b[..., None].astype(np.float32)
    height, width = image_a.shape[1:3]
    poses = _batched(lambda p: heatmaps(p, height, width), points_b)
    coarse = _batched(model.coarse, image_a, poses)
    final = _batched(lambda a, p: model.generate_from({"image": a, "pose": p}), image_a, poses)
    regressor = load_keypoint_regressor()
    outputs = {"stage II": final, "stage I": coarse, "copy I_A": image_a, "true I_B": image_b}
    rows = {}
    for name, images in outputs.items():
        rows[name] = {"pck@0.1": round(pck(regressor.predict(images), points_b, threshold), 4)}
        if name != "true I_B":
            rows[name].update(ssim=round(ssim(images, image_b), 4),
                              mask_ssim=round(ssim(masked(images, masks),
                                                   masked(image_b, masks)), 4))
    result = {"dataset": "poses", "split": "test", "pairs": len(image_a), "stage": model.stage,
              "keypoint_regressor_test_pck": round(regressor.accuracy, 4), "rows": rows}
    skeleton = np.repeat(poses[:shown].max(-1, keepdims=True) * 2.0 - 1.0, 3, axis=-1)
    _write(config, result, "poses.png",
           [image_a[:shown], skeleton, coarse[:shown], final[:shown], image_b[:shown]])
    return result
