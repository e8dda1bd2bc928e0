"""One SavedModel directory for TF Serving: the graph, then its warmup
records, then its model card, written atomically. The trainer's end-of-run
export (`RUN/export/`) and every version `python -m tfgan_zoo.export`
writes come from `export_saved_model`.

    DIR/saved_model.pb, DIR/variables/      the graph (`tfgan_zoo.export.graph`)
    DIR/assets.extra/tf_serving_warmup_requests
    DIR/assets.extra/config.json            the training config, if given
    DIR/model_card.json

Nothing local goes in (`card.portable`): no absolute path, user or host
name. A write that fails (a full disk) leaves an existing DIR as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import tensorflow as tf

from tfgan_zoo.export import card as cards
from tfgan_zoo.export.graph import signature_summary, write_graph
from tfgan_zoo.export.warmup import write_warmup
from tfgan_zoo.files import atomic_directory, write_error


def config_dict(config):
    """A training `Config` (or a dict, or None) as a plain dict."""
    if config is None or isinstance(config, dict):
        return config
    return config.to_dict()


def export_saved_model(model, path, config=None, *, name=None, version=None, card=None,
                       warmup=True, overwrite=False, run_dir=None):
    """Write `model`'s generator as a SavedModel at `path`, atomically:
    graph -> warmup records (one request per signature) -> model card
    (`card` adds or overrides its fields). The directory is written under a
    temporary name beside `path` and then renamed; an existing `path` is
    kept unless `overwrite`. Paths in the config and card are written as
    names within `run_dir`'s tree (default: the config's `out`). Returns the
    path."""
    config = config_dict(config)
    name = name or cards.default_name(model, config)
    run_dir = run_dir or (config or {}).get("out")

    def write(tmp):
        chosen = write_graph(model, tmp)
        extra = tmp / "assets.extra"
        extra.mkdir(exist_ok=True)
        if config is not None:
            (extra / "config.json").write_text(json.dumps(
                cards.portable(config, run_dir), indent=2, default=str))
        if warmup:
            write_warmup(tmp, chosen, name)
        card_data = cards.model_card(model, config=config, name=name, version=version,
                                     signatures=signature_summary(chosen), run_dir=run_dir)
        card_data.update(card or {})
        cards.write_model_card(tmp, card_data)
        return chosen

    try:
        atomic_directory(path, write, overwrite=overwrite, what="the SavedModel")
    except tf.errors.OpError as e:  # TensorFlow's own writes (variables, graph)
        raise write_error(e, path, "the SavedModel") from None
    return Path(path)
