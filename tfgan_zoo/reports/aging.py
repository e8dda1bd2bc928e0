"""What the face-aging recipes (CAAE, IPCGAN) write after training: every
held-out face of the run's dataset (never seen in training) is turned to
every age group with `model.edit(faces, age)`, and two judges the project
trains on the training part only read the outputs: an age judge (accuracy
per target group) and a skin-tone judge, an identity cue ageing must keep
(retention: the judge's reading of the output agrees with its reading of
the input). Also the L1 of the reconstruction at the true age.

    heads_aged      the 80 faces of 20 held-out identities of heads_aged:test;
                    heads-age-cnn, heads-skin-cnn
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


@dataclass(frozen=True)
class AgingData:
    held_out: object        # size -> (uint8 images, int labels identity * groups + age)
    age_groups: tuple
    age_judge: str
    skin_judge: str


AGING_DATA = {
    "heads_aged": AgingData(lambda size: heads.generate_aged(20, size, "test"),
                            heads.AGE_GROUPS, "heads-age-cnn", "heads-skin-cnn"),
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
    rows = np.concatenate([x[:16]] + [o[:16] for o in outputs])
    save_grid(out / "grid.png", rows, rows=1 + len(outputs), scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report
