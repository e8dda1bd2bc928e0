"""Anomaly-detection metrics: the area under the ROC curve and the equal
error rate of scores where higher means "more anomalous", and the
one-class protocol of AnoGAN-style evaluations (Schlegl et al. 2017 §3;
Zenati et al. 2018): one class of a labelled test set is the anomaly,
the rest are normal."""

from __future__ import annotations

import numpy as np

from tfgan_zoo.errors import UserError


def _checked(is_anomaly, scores):
    is_anomaly = np.asarray(is_anomaly).astype(bool).ravel()
    scores = np.asarray(scores, np.float64).ravel()
    if len(is_anomaly) != len(scores):
        raise UserError(f"{len(scores)} scores for {len(is_anomaly)} labels")
    if is_anomaly.all() or not is_anomaly.any():
        raise UserError("AUROC and EER need both normal and anomalous examples")
    if not np.all(np.isfinite(scores)):
        raise UserError("anomaly scores must be finite")
    return is_anomaly, scores


def auroc(is_anomaly, scores):
    """P(score of a random anomaly > score of a random normal), ties half
    (scikit-learn's `roc_auc_score`)."""
    from sklearn.metrics import roc_auc_score
    is_anomaly, scores = _checked(is_anomaly, scores)
    return float(roc_auc_score(is_anomaly, scores))


def eer(is_anomaly, scores):
    """The equal error rate: where the ROC curve's false-positive rate
    equals its miss rate (1 - TPR), linearly interpolated between the
    curve's points."""
    from sklearn.metrics import roc_curve
    is_anomaly, scores = _checked(is_anomaly, scores)
    fpr, tpr, _ = roc_curve(is_anomaly, scores)
    miss = 1.0 - tpr
    i = int(np.argmax(fpr >= miss))  # first point past the crossing
    if i == 0:
        return float(fpr[0])
    # Where fpr - miss changes sign between points i-1 and i.
    d0, d1 = fpr[i - 1] - miss[i - 1], fpr[i] - miss[i]
    t = d0 / (d0 - d1) if d0 != d1 else 0.0
    return float(fpr[i - 1] + t * (fpr[i] - fpr[i - 1]))


def anomaly_labels(labels, normal):
    """True where a label is not among the `normal` classes."""
    return ~np.isin(np.asarray(labels), list(normal))
