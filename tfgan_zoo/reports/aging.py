"""What the face-aging recipes (CAAE, IPCGAN) write after training: every face of
the held-out identities of `heads_aged:test` (never seen in training) is
turned to every age group with `model.edit(faces, age)`, and two judges
the project trains on the training identities only read the outputs:
`heads-age-cnn` the age group (accuracy per target group) and
`heads-skin-cnn` the skin-tone bin, an identity cue ageing must keep
(retention: the judge's reading of the output agrees with its reading of
the input). Identity kept: the EER of cosine verification with
`heads-id-cnn` features (trained on the training identities' pose
renders), every output against every input face (genuine: the same
identity; 0 = every output is closer to its own identity's faces than
any impostor pair is; 0.5 = chance), beside the same EER for the true
renders of each input's identity at the target age (what a perfect ager
would output: the floor). The data being procedural, every output also
has its truth: `true_age_l1`, the mean |G(x, t) - render(identity, t)|
per target group t, against `input_true_age_l1`, the input's own L1 to it
(what "no change" scores). Also the L1 of the reconstruction at the true age."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.data import heads
from tfgan_zoo.evaluation.classifiers import load_classifier
from tfgan_zoo.files import write_atomic
from tfgan_zoo.images import save_grid
from tfgan_zoo.reports.rotation import cross_verification_eer


def write_aging_report(model, config, identities=20):
    """Score held-out faces; write RUN/aging/report.json and grid.png."""
    out = Path(config.out) / "aging"
    images, labels = heads.generate_aged(identities, model.image_shape[0], "test")
    x = images.astype(np.float32) / 127.5 - 1
    ages = labels % len(heads.AGE_GROUPS)
    age_judge, skin_judge = load_classifier("heads-age-cnn"), load_classifier("heads-skin-cnn")
    id_net = load_classifier("heads-id-cnn")
    gallery, identity = id_net.features(x), labels // len(heads.AGE_GROUPS)
    skin_in = skin_judge.predict_logits(x).argmax(1)
    outputs = [model.edit(x, age).numpy() for age in range(len(heads.AGE_GROUPS))]
    # render(identity of each input, t): row identity * groups + t.
    truths = [x[identity * len(heads.AGE_GROUPS) + age]
              for age in range(len(heads.AGE_GROUPS))]
    report = {"identities": identities, "faces": len(x), "age_accuracy": {},
              "skin_tone_retention": {}, "identity_eer": {},
              "true_render_identity_eer": {}, "true_age_l1": {},
              "input_true_age_l1": {},
              "judge_input_age_accuracy": float(np.mean(
                  age_judge.predict_logits(x).argmax(1) == ages)),
              "reconstruction_l1": float(np.mean(np.abs(
                  np.stack(outputs)[ages, np.arange(len(x))] - x))),
              "judges": [age_judge.protocol(), skin_judge.protocol(), id_net.protocol()]}
    for age, result, truth in zip(heads.AGE_GROUPS, outputs, truths):
        report["true_age_l1"][age] = float(np.mean(np.abs(result - truth)))
        report["input_true_age_l1"][age] = float(np.mean(np.abs(x - truth)))
        report["true_render_identity_eer"][age] = float(cross_verification_eer(
            id_net.features(truth), identity, gallery, identity))
        report["age_accuracy"][age] = float(np.mean(
            age_judge.predict_logits(result).argmax(1) == heads.AGE_GROUPS.index(age)))
        report["skin_tone_retention"][age] = float(np.mean(
            skin_judge.predict_logits(result).argmax(1) == skin_in))
        report["identity_eer"][age] = float(cross_verification_eer(
            id_net.features(result), identity, gallery, identity))
    report["min_age_accuracy"] = min(report["age_accuracy"].values())
    for key in ("skin_tone_retention", "identity_eer", "true_render_identity_eer",
                "true_age_l1", "input_true_age_l1"):
        report[f"mean_{key}"] = float(np.mean(list(report[key].values())))
    rows = np.concatenate([x[:16]] + [o[:16] for o in outputs])
    save_grid(out / "grid.png", rows, rows=1 + len(outputs), scale=2)
    write_atomic(out / "report.json", json.dumps(report, indent=2).encode())
    return report
