"""benchmarks/fidelity_probes.py: the probe-only learning-rate decay follows
the CPU budget, and the probes' table reads what a probe writes."""

import json

import keras
import pytest

from tests.support.scripts import load_benchmark


@pytest.fixture(scope="module")
def probes():
    return load_benchmark("fidelity_probes")


class Players:
    def __init__(self):
        self.g_optimizer = keras.optimizers.Adam(2e-4)
        self.d_optimizer = keras.optimizers.Adam(4e-4)


def test_late_decay_falls_to_zero_over_the_last_fraction(probes, monkeypatch):
    now = [0.0]
    monkeypatch.setattr(probes, "cpu_seconds", lambda: now[0])
    decay = probes.LateDecay(seconds=100, fraction=0.25)
    decay.set_model(Players())
    rates = []
    for t in (10, 75, 87.5, 100, 120):
        now[0] = t
        decay.on_train_batch_end(0)
        rates += [float(o.learning_rate) for o in
                  (decay.model.g_optimizer, decay.model.d_optimizer)]
    assert rates == pytest.approx([2e-4, 4e-4, 2e-4, 4e-4, 1e-4, 2e-4, 0, 0, 0, 0])


def test_table_reads_a_probe_record(probes, tmp_path):
    record = {"recipe": "dcgan", "name": "decay", "overrides": {"batch_size": 128},
              "lr_decay": 0.3, "label_smoothing": None, "steps": 2184,
              "cpu_seconds": 300.2, "eval_cpu_s": 61.0, "load_average": [2.0, 9.6],
              "raw": {"fid": 64.61, "precision": 0.2, "recall": 0.368, "rarest_class": 0.03}}
    (tmp_path / "probes.jsonl").write_text(json.dumps(record) + "\n")
    row = probes.table(tmp_path / "probes.jsonl").splitlines()[-1]
    assert row == ("| dcgan | decay | batch_size=128, lr_decay=0.3 | 2,184 | 300 / 61 | 2–10 | "
                   "64.6 / – | 0.200 / – | 0.368 / – | 3.0% / – |")
