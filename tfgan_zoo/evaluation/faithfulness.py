"""How faithful are generated images to their captions? Measured on the
embedded shapes dataset with an attribute classifier trained here.

The classifier reads an image and predicts the scene's attributes (layout,
then colour, shape and size of each object; see `tfgan_zoo.data.shapes`).
A generated image matches its caption on an attribute when the classifier's
reading equals the caption's; attributes of a second object are scored only
for captions that have one. Three numbers put a score in context:

    real       real images of the same captions (the classifier's ceiling)
    generated  the model's images for the captions
    shuffled   the same generated images against another caption's
               attributes (what matching by chance scores)

`faithfulness(model, split)` computes all three; `split="heldout"` uses
captions whose colour+shape pairs never occur in training (zero-shot).
The score is classifier-based: it carries the classifier's name and
accuracy, and is not comparable to an Inception Score.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

from tfgan_zoo.data import shapes

HEADS = shapes.ATTRIBUTES
NAME = "shapes-attribute-cnn"
MAX_SIZE = 32


def attribute_classifier(size, width=32):
    """Image [size, size, 3] in [-1, 1] -> one logit vector per attribute."""
    image = keras.Input((size, size, 3), name="image")
    x = layers.Conv2D(width, 3, padding="same", activation="relu")(image)
    s, w = size, width
    while s > 4:
        w = min(2 * w, 4 * width)
        x = layers.Conv2D(w, 3, strides=2, padding="same", activation="relu")(x)
        x = layers.Conv2D(w, 3, padding="same", activation="relu")(x)
        s //= 2
    x = layers.Dense(256, activation="relu")(layers.Flatten()(x))
    outputs = [layers.Dense(n, name=name)(x) for name, n in zip(HEADS, shapes.ATTRIBUTE_CLASSES)]
    return keras.Model(image, outputs, name=f"{NAME}-{size}")


def _scaled(images):
    return np.asarray(images, np.float32) / 127.5 - 1.0


def classifier_size(image_size):
    """Images are read at most at 32 px (shapes are unambiguous there)."""
    return min(int(image_size), MAX_SIZE)


def train_attribute_classifier(size, path=None, num_images=8000, epochs=5, batch_size=64,
                               seed=0, verbose=0):
    """The classifier for images of `size` px (read at `classifier_size`):
    loaded from `path` when it holds one, else trained (and saved there).

    It is a judge, not part of any GAN, so it learns from every colour+shape
    pair, the held-out ones included: half its scenes come from the train
    distribution and half from the held-out one (other seeds than the
    evaluation's)."""
    size = classifier_size(size)
    model = attribute_classifier(size)
    if path is not None and Path(path).is_file():
        model.load_weights(str(path))
        return model
    keras.utils.set_random_seed(seed)
    parts = [shapes.generate(num_images // 2, size, 101, split) for split in ("train", "heldout")]
    images = np.concatenate([p.images for p in parts])
    attributes = np.concatenate([p.attributes for p in parts])
    targets = tuple(attributes[:, i] for i in range(len(HEADS)))
    # Slot-1 labels are -1 for single objects: ignored by the loss.
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=[loss] * len(HEADS))
    model.fit(_scaled(images), targets, batch_size=batch_size, epochs=epochs,
              shuffle=True, verbose=verbose)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        model.save_weights(str(path))
    return model


def cached_classifier(image_size, classifier_dir):
    """The attribute classifier for images of `image_size`, trained once and
    kept in `classifier_dir` (attributes-<classifier size>.weights.h5)."""
    size = classifier_size(image_size)
    return train_attribute_classifier(
        size, Path(classifier_dir) / f"attributes-{size}.weights.h5")


def read_attributes(classifier, images, batch_size=256):
    """Predicted attributes int32 [N, 7] of images in [-1, 1]."""
    logits = classifier.predict(np.asarray(images, np.float32), batch_size=batch_size,
                                verbose=0)
    return np.stack([np.argmax(l, -1) for l in logits], 1).astype(np.int32)


def match_scores(predicted, target):
    """Fractions of images whose reading matches the target attributes:
    per attribute kind (colour and shape over every object present) and
    `all` (every attribute of the scene right)."""
    predicted, target = np.asarray(predicted), np.asarray(target)
    present = target >= 0
    right = (predicted == target) | ~present
    scores = {"layout": float(right[:, 0].mean())}
    for kind, columns in (("colour", [1, 4]), ("shape", [2, 5]), ("size", [3, 6])):
        hits = right[:, columns][present[:, columns]]
        scores[kind] = float(hits.mean())
    scores["all"] = float(right.all(1).mean())
    return scores


def faithfulness(model, classifier, split="test", num=256, seed=0, batch_size=64,
                 generate=None):
    """{"real", "generated", "shuffled"} match scores for `num` captions of
    `split` (one caption per scene, images generated from noise `seed`).
    `generate(captions, seed)` overrides how images are made (default
    `model.sample`)."""
    size = classifier.input_shape[1]
    data = shapes.generate(num, size, 11, split)
    captions = [str(c) for c in data.captions[:, 0]]
    images = []
    for start in range(0, num, batch_size):
        chunk = captions[start:start + batch_size]
        if generate is not None:
            out = generate(chunk, seed + start)
        else:  # a model told where to draw (GAWWN) gets each scene's boxes
            where = ({"bbox": data.bbox[start:start + batch_size]}
                     if "bbox" in model.generator_input_spec() else {})
            out = model.sample(len(chunk), seed=seed + start, text=chunk, **where)
        images.append(out)
    fake = np.concatenate(images)
    if fake.shape[1] != size:
        fake = tf.image.resize(fake, (size, size), antialias=True).numpy()
    fake_read = read_attributes(classifier, fake)
    real_read = read_attributes(classifier, _scaled(data.images))
    shuffled = data.attributes[np.random.default_rng(seed).permutation(num)]
    single = data.attributes[:, 0] == 0
    by_objects = {  # one object: what; two: what and where (which is above / left)
        name: {"generated": match_scores(fake_read[rows], data.attributes[rows]),
               "real": match_scores(real_read[rows], data.attributes[rows]),
               "captions": int(rows.sum())}
        for name, rows in (("one_object", single), ("two_objects", ~single)) if rows.any()}
    return {"real": match_scores(real_read, data.attributes),
            "generated": match_scores(fake_read, data.attributes),
            "shuffled": match_scores(fake_read, shuffled), **by_objects,
            "captions": num, "split": split, "classifier": f"{NAME}-{size}"}


def score_columns(model, columns, classifier_dir, num=256, splits=("test", "heldout")):
    """{title: {split: faithfulness(...)}} for each (title, draw) column of
    images (`draw(captions, seed)`, None for `model.sample`), each read by
    the attribute classifier for its image size, trained once and cached in
    `classifier_dir`."""
    scores = {}
    for title, draw in columns:
        px = (draw(["a small red circle"], 0) if draw else model.sample(1)).shape[1]
        classifier = cached_classifier(px, classifier_dir)
        scores[title] = {split: faithfulness(model, classifier, split, num=num, generate=draw)
                         for split in splits}
    return scores


def shape_table(model, classifier, num=32, seed=3):
    """Does the model draw the shape a caption names, for every colour?
    {colour: {shape: counts}}: of `num` draws of "a large <colour> <shape>"
    (noise `seed`), how many the classifier reads as each shape, in
    `shapes.SHAPES` order. The held-out pairs (`shapes.HELD_OUT`) are in it
    too. Images are average-pooled down to the classifier's size (resized
    when it does not divide theirs)."""
    size, column = classifier.input_shape[1], HEADS.index("shape0")
    table = {}
    for colour in shapes.COLOUR_NAMES:
        table[colour] = {}
        for shape in shapes.SHAPES:
            images = model.sample(num, seed=seed, text=f"a large {colour} {shape}")
            if images.shape[1] % size == 0 and images.shape[1] > size:
                factor = images.shape[1] // size
                images = tf.nn.avg_pool2d(images, factor, factor, "VALID").numpy()
            elif images.shape[1] != size:
                images = tf.image.resize(images, (size, size), antialias=True).numpy()
            read = read_attributes(classifier, images)[:, column]
            table[colour][shape] = np.bincount(read, minlength=len(shapes.SHAPES)).tolist()
    return table


def pairs_drawn_right(table):
    """(seen pairs, held-out pairs) of a `shape_table` whose named shape is
    the classifier's reading of most draws: {"right": n, "pairs": n} each."""
    held_out = set(shapes.HELD_OUT)
    result = {"seen": {"right": 0, "pairs": 0}, "heldout": {"right": 0, "pairs": 0}}
    for colour, row in table.items():
        for shape, counts in row.items():
            kind = result["heldout" if (colour, shape) in held_out else "seen"]
            kind["pairs"] += 1
            kind["right"] += int(2 * counts[shapes.SHAPES.index(shape)] > sum(counts))
    return result
