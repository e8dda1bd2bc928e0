"""What the face-aging recipes (CAAE, IPCGAN) write after training: every
held-out face of the run's dataset (never seen in training) is turned to
every age group with `model.edit(faces, age)`, and two judges the project
trains on the training part only read the outputs: an age judge (accuracy
per target group) and a skin-tone judge, an identity cue ageing must keep
(retention: the judge's reading of the output agrees with its reading of
the input). Also the L1 of the reconstruction at the true age.

Where the held-out set has every identity at every age (heads_aged) and
an identity net: identity kept, as the EER of cosine verification with
the identity net's features (heads-id-cnn, trained on the training
identities' pose renders), every output against every input face
(genuine: the same identity; 0.5 = chance), beside the same EER for the
true renders of each input's identity at the target age (what a perfect
ager would output: the floor); and `true_age_l1`, the mean
|G(x, t) - render(identity, t)| per target group t, against
`input_true_age_l1`, the input's own L1 to it (what "no change" scores).

    heads_aged      the 80 faces of 20 held-out identities of heads_aged:test;
                    heads-age-cnn, heads-skin-cnn, heads-id-cnn
    openmoji_faces  96 draws of the 6 neutral identities of openmoji_faces:test;
                    openmoji-age-cnn, openmoji-skin-cnn
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tfgan_zoo.data import heads, openmoji
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid
from tfgan_zoo.reports.rotation import cross_verification_eer


@dataclass(frozen=True)
class AgingData:
    held_out: object        # size -> (uint8 images, int labels identity * groups + age)
    age_groups: tuple
    age_judge: str
    skin_judge: str
    identity_net: str = None  # set where the held-out set is every identity at every age


AGING_DATA = {
    "heads_aged": AgingData(lambda size: heads.generate_aged(20, size, "test"),
                            heads.AGE_GROUPS, "heads-age-cnn", "heads-skin-cnn",
                            "heads-id-cnn"),
    "openmoji_faces": AgingData(lambda size: openmoji.generate(96, size, "test")[:2],
                                openmoji.AGE_GROUPS, "openmoji-age-cnn", "openmoji-skin-cnn"),
}


def aging_data(dataset):
    """The AgingData of a run's dataset name (its part and count ignored)."""
    name = str(dataset).split(":")[0]
    if name not in AGING_DATA:
        raise UserError(f"no face-aging report for dataset '{dataset}': it is written for "
                        f"{', '.join(AGING_DATA)}; train on one of them or pass --no-report")
    return AGING_DATA[name]


def write_aging_report(model, config):
    """Score held-out faces; write RUN/aging/report.json and grid.png."""
    out = Path(config.out) / "aging"
    data = aging_data(config.dataset)
    groups = data.age_groups
    images, labels = data.held_out(model.image_shape[0])
    x = images.astype(np.float32) / 127.5 - 1
    ages = labels % len(groups)
    age_judge, skin_judge = load_classifier(data.age_judge), load_classifier(data.skin_judge)
    skin_in = skin_judge.predict_logits(x).argmax(1)
    outputs = [model.edit(x, age).numpy() for age in range(len(groups))]
    report = {"dataset": str(config.dataset).split(":")[0],
              "identities": len(np.unique(labels // len(groups))), "faces": len(x),
              "age_accuracy": {},
              "skin_tone_retention": {},
              "judge_input_age_accuracy": float(np.mean(
                  age_judge.predict_logits(x).argmax(1) == ages)),
              "reconstruction_l1": float(np.mean(np.abs(
                  np.stack(outputs)[ages, np.arange(len(x))] - x))),
              "judges": [age_judge.protocol(), skin_judge.protocol()]}
    for age, result in zip(groups, outputs):
        report["age_accuracy"][age] = float(np.mean(
            age_judge.predict_logits(result).argmax(1) == groups.index(age)))
        report["skin_tone_retention"][age] = float(np.mean(
            skin_judge.predict_logits(result).argmax(1) == skin_in))
    report["min_age_accuracy"] = min(report["age_accuracy"].values())
    report["mean_skin_tone_retention"] = float(np.mean(
        list(report["skin_tone_retention"].values())))
    if data.identity_net:
        report.update(identity_scores(x, labels, outputs, groups, data.identity_net))
    rows = np.concatenate([x[:16]] + [o[:16] for o in outputs])
    save_grid(out / "grid.png", rows, rows=1 + len(outputs), scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report


def identity_scores(x, labels, outputs, groups, identity_net):
    """The identity EERs and true-age L1s (module docstring) of `outputs`
    (one array per target group) of faces `x` whose labels are identity *
    len(groups) + age, every identity at every age."""
    id_net = load_classifier(identity_net)
    identity = labels // len(groups)
    gallery = id_net.features(x)
    scores = {key: {} for key in ("identity_eer", "true_render_identity_eer", "true_age_l1",
                                  "input_true_age_l1")}
    for age, (group, result) in enumerate(zip(groups, outputs)):
        truth = x[identity * len(groups) + age]    # render(identity of each input, age)
        scores["identity_eer"][group] = float(cross_verification_eer(
            id_net.features(result), identity, gallery, identity))
        scores["true_render_identity_eer"][group] = float(cross_verification_eer(
            id_net.features(truth), identity, gallery, identity))
        scores["true_age_l1"][group] = float(np.mean(np.abs(result - truth)))
        scores["input_true_age_l1"][group] = float(np.mean(np.abs(x - truth)))
    for key in list(scores):
        scores[f"mean_{key}"] = float(np.mean(list(scores[key].values())))
    scores["identity_net"] = id_net.protocol()
    return scores
