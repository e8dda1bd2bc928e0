"""What the sequence recipes write after training, `RUN/report/report.json`
plus sample previews:

- SeqGAN (`write_token_report`): on the oracle, the oracle NLL of G's
  samples beside the oracle's own floor; on the shapes grammar, the exact
  valid-sentence rate and BLEU-4 against held-out captions, beside the real
  captions' own rate; on Essen melodies, BLEU-4 of the note names against
  held-out melodies, beside real training melodies' BLEU against the same
  references; the samples as text.
- RCGAN (`write_series_report`): TSTR against TRTR on the held-out split,
  MMD of samples and of held-out real data against training data, and the
  memorisation check; line plots of samples per class.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tfgan_zoo.data import load_dataset
from tfgan_zoo.data.sequences import decode_notes, decode_sentence, oracle_tokens
from tfgan_zoo.evaluation import series, sequence
from tfgan_zoo.files import write_atomic
from tfgan_zoo.samples import write_preview


def _all(name, split):
    """Every example of a sequence dataset split, in order (numpy)."""
    data = load_dataset(name, batch_size=1, split=split, shuffle=False, repeat=False,
                        drop_remainder=False)
    batch = next(iter(data.dataset.unbatch().batch(data.num_examples)))
    return tuple(t.numpy() for t in batch) if isinstance(batch, tuple) else batch.numpy()


def _write(out, report):
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "report.json", (json.dumps(report, indent=2) + "\n").encode())
    print(json.dumps(report), flush=True)
    return report


def write_token_report(model, config, num_samples=2000):
    out = Path(config.out) / "report"
    tokens = sequence.sample_tokens(model, num_samples, seed=config.seed)
    write_preview(model, out / "samples", tokens[:32].astype(np.float32))
    report = {"dataset": config.dataset, "num_samples": num_samples}
    if config.dataset.split(":")[0] == "oracle":
        report["oracle_nll"] = sequence.oracle_nll(tokens)
        report["oracle_floor"] = sequence.oracle_nll(oracle_tokens(num_samples, seed=99))
    elif config.dataset.split(":")[0] == "shapes_text":
        real = _all(config.dataset, "test")
        report["valid_rate"] = sequence.valid_rate(tokens)
        report["valid_rate_real"] = sequence.valid_rate(real)
        words = lambda rows: [decode_sentence(r) or "" for r in rows]
        report["bleu4"] = sequence.bleu(words(real[:1000]), words(tokens[:200]))
    elif config.dataset.split(":")[0] == "essen_tokens":
        real, train = _all(config.dataset, "test"), _all(config.dataset, "train")
        notes = lambda rows: [decode_notes(r) for r in rows]
        report["bleu4"] = sequence.bleu(notes(real[:1000]), notes(tokens[:200]))
        report["bleu4_real"] = sequence.bleu(notes(real[:1000]), notes(train[:200]))
    return _write(out, report)


def write_series_report(model, config, num_samples=None):
    out = Path(config.out) / "report"
    train_x, train_y = _all(config.dataset, "train")
    test_x, test_y = _all(config.dataset, "test")
    n = num_samples or len(train_x)
    labels = train_y[np.random.default_rng(config.seed).permutation(len(train_y))[:n]]
    labels = np.resize(labels, n)
    fake = model.sample(n, seed=config.seed, labels=labels)
    order = np.argsort(labels[:64], kind="stable")
    write_preview(model, out / "samples", fake[:64][order][:32])
    report = {"dataset": config.dataset, "num_samples": n,
              **series.tstr(fake, labels, train_x, train_y, test_x, test_y, seed=config.seed),
              **series.mmd_report(fake, train_x, test_x),
              **series.memorisation(fake, train_x)}
    return _write(out, report)
