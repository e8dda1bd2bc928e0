"""What the domain-adaptation recipes write after training: the three-row
table every adaptation result is given as,

    source-only    the same classifier network, trained on the labelled
                   source domain(s) only
    adapted        the trained model's classifier
    target-oracle  the same network trained on the *labelled* target domain

each row's accuracy on the target domain's test split (and on the sources'
test splits), printed and written to RUN/metrics.json, which the model card
carries. Only this evaluator reads target labels: the oracle's training
split and every test split. The reference rows train fresh copies of the
model's own (feature extractor, label predictor) with the run's optimizer,
learning-rate schedule, steps and batch size, unless the model already
holds its source-only classifier (ADDA's source phase).
"""

from __future__ import annotations

import json
from pathlib import Path

import keras

from tfgan_zoo.files import write_atomic
from tfgan_zoo.training.classifier import domain_accuracy, fit_classifier


def fresh_optimizer(optimizer):
    """An unbuilt copy of `optimizer` with the same settings and schedule."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        optimizer = optimizer.inner_optimizer
    return type(optimizer).from_config(optimizer.get_config())


def train_reference(model, domains, *, steps, batch_size, optimizer, seed=0):
    """(encoder, head): fresh copies of the model's classifier networks
    trained on the labelled training splits of `domains`."""
    clone = type(model).from_config(model.get_config())
    encoder, head = clone.classifier_networks()
    return fit_classifier(encoder, head, domains, steps=steps, batch_size=batch_size,
                          optimizer=optimizer, seed=seed)


def accuracies(encoder, head, domains):
    return {name: round(domain_accuracy(encoder, head, name), 4) for name in domains}


def format_table(result):
    """The three rows as a Markdown table."""
    target, sources = result["target_domain"], result["source_domains"]
    title = f"{','.join(sources)} -> {target}"
    lines = [f"| {title} | {target} test accuracy | "
             + " | ".join(f"{s} test accuracy" for s in sources) + " |",
             "|---|---:|" + "---:|" * len(sources)]
    for row in ("source-only", "adapted", "target-oracle"):
        values = result["rows"][row]
        name = result["model"] + " (adapted)" if row == "adapted" else row
        lines.append(f"| {name} | {values[target]:.4f} | "
                     + " | ".join(f"{values[s]:.4f}" if s in values else "-"
                                  for s in sources) + " |")
    return "\n".join(lines)


def adaptation_table(model, config, *, steps=None, batch_size=None, optimizer=None,
                     source_only=None, write=True):
    """The three rows for a trained adaptation model (see the module
    docstring). `steps`, `batch_size` and `optimizer` (a factory) train the
    reference rows, by default as the run trained; `source_only` is an
    (encoder, head) pair the model already holds. Returns the result dict;
    with `write`, RUN/metrics.json too."""
    sources, target = list(model.source_domains), model.target_domain
    steps = steps or config.steps
    batch_size = batch_size or config.batch_size
    make = optimizer or (lambda: fresh_optimizer(model.g_optimizer))
    evaluated = sources + [target]
    if source_only is None:
        source_only = train_reference(model, sources, steps=steps, batch_size=batch_size,
                                      optimizer=make(), seed=config.seed)
    oracle = train_reference(model, [target], steps=steps, batch_size=batch_size,
                             optimizer=make(), seed=config.seed)
    result = {
        "model": type(model).__name__, "source_domains": sources, "target_domain": target,
        "split": "test",
        "rows": {"source-only": accuracies(*source_only, evaluated),
                 "adapted": accuracies(*model.classifier_networks(), evaluated),
                 "target-oracle": accuracies(*oracle, [target])},
        "reference_training": {"steps": steps, "batch_size": batch_size,
                               "optimizer": type(make()).__name__}}
    result["gain_over_source_only"] = round(
        result["rows"]["adapted"][target] - result["rows"]["source-only"][target], 4)
    if write:
        out = Path(config.out)
        write_atomic(out / "metrics.json", json.dumps(result, indent=2).encode())
        print(f"Target accuracy ({target} test split) in {out / 'metrics.json'}:")
    print(format_table(result))
    return result
