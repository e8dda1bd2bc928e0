"""Measures of generated voxel grids (3D-GAN, Wu et al. 2016):

- `best_iou` / `coverage`: for each held-out real shape, the best IoU of
  its occupancy with any generated sample; coverage is the share of real
  shapes whose best IoU reaches a threshold (0.5), a recall-like measure of
  how much of the shape distribution the samples reach;
- a small Conv3D voxel classifier trained on the real classes
  (`train_voxel_classifier`), and `classifier_scores`: its mean max-prob on
  samples (confidence that a sample is some class) and the class mix;
- `svm_accuracy`: a linear SVM on fixed features (D's representation, paper
  §4.2) trained on one labelled set and scored on another.

Voxels are [N, D, H, W, 1] in [-1, 1], occupied where > 0 (the threshold of
`tfgan_zoo.samples.voxel_outputs`)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import keras
from keras import layers


def occupancy(voxels):
    """[N, ...] in [-1, 1] -> [N, V] float32 occupancy in {0, 1}."""
    voxels = np.asarray(voxels)
    return (voxels.reshape(len(voxels), -1) > 0).astype(np.float32)


def best_iou(real, fake, chunk=256):
    """For each real grid, the best IoU with any fake grid, [N_real]."""
    r, f = occupancy(real), occupancy(fake)
    fake_sizes = f.sum(1)
    best = np.zeros(len(r), np.float32)
    for i in range(0, len(r), chunk):
        inter = r[i:i + chunk] @ f.T
        union = r[i:i + chunk].sum(1)[:, None] + fake_sizes[None, :] - inter
        best[i:i + chunk] = (inter / np.maximum(union, 1)).max(1)
    return best


def coverage(real, fake, threshold=0.5):
    """(share of real grids with a fake within IoU `threshold`, mean best IoU)."""
    best = best_iou(real, fake)
    return float(np.mean(best >= threshold)), float(np.mean(best))


def voxel_classifier(size, num_classes, width=8):
    """Strided Conv3D -> global average -> softmax, for [size^3, 1] grids."""
    x = inputs = keras.Input((size, size, size, 1))
    for i in range(3):
        x = layers.Conv3D(width * 2 ** i, 4, strides=2, padding="same", activation="relu")(x)
    x = layers.GlobalAveragePooling3D()(x)
    return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x),
                       name="voxel_classifier")


def fit_classifier(model, x, y, steps, batch_size, seed, data=None):
    """Fit a softmax classifier on arrays (Adam 1e-3, sparse cross-entropy),
    or on `data`, an endless dataset of (x, y) batches, where one is given."""
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    if data is None:
        data = (tf.data.Dataset.from_tensor_slices((x.astype(np.float32), y))
                .shuffle(len(x), seed=seed).repeat().batch(batch_size))
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return model


def train_voxel_classifier(voxels, labels, num_classes, steps=300, batch_size=32, seed=0):
    """A `voxel_classifier` fitted on real grids."""
    keras.utils.set_random_seed(seed)
    return fit_classifier(voxel_classifier(voxels.shape[1], num_classes), voxels, labels,
                          steps, batch_size, seed)


def classifier_scores(probabilities):
    """{mean_max_prob, class_shares (a list), ...} of [N, classes] probabilities."""
    probabilities = np.asarray(probabilities)
    classes = probabilities.shape[1]
    shares = np.bincount(probabilities.argmax(1), minlength=classes) / len(probabilities)
    return {"mean_max_prob": float(probabilities.max(1).mean()),
            "class_shares": [float(s) for s in shares],
            "min_class_share": float(shares.min()), "max_class_share": float(shares.max())}


def svm_accuracy(train_features, train_labels, test_features, test_labels, c=1.0):
    """Accuracy of a linear SVM (scikit-learn's LinearSVC on standardised
    features) fitted on the train set, on the test set."""
    from sklearn.preprocessing import StandardScaler  # heavy: only here
    from sklearn.svm import LinearSVC
    scaler = StandardScaler().fit(train_features)
    svm = LinearSVC(C=c, max_iter=5000).fit(scaler.transform(train_features), train_labels)
    return float(np.mean(svm.predict(scaler.transform(test_features)) == test_labels))
