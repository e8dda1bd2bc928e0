"""How much of a caption a trained text encoder keeps: an MLP probe.

A small MLP is trained on the embeddings of train-split captions of the
embedded shapes dataset to read back every attribute (layout, and colour,
shape and size of each object slot), then scored on test-split and
held-out captions, one-object and two-object scenes apart. A two-object
caption's slot attributes can only be read back if the embedding keeps
which object is where.

    python benchmarks/text_encoder_probe.py runs/stackgan/encoder [--scenes 6000]
    python benchmarks/text_encoder_probe.py path/to/all-MiniLM-L6-v2   # a sentence model
"""

from __future__ import annotations

import argparse
import json

import numpy as np


def probe(encoder_dir, scenes=6000, epochs=60, seed=0):
    """{split: {scenes: {attribute: accuracy}}} of an MLP probe."""
    from pathlib import Path
    import keras
    from tfgan_zoo.text import encoder, sentence
    from tfgan_zoo.data import shapes

    if (Path(encoder_dir) / sentence.WEIGHTS_FILE).is_file():  # a pretrained sentence model
        vectorizer = encoder.make_vectorizer(shapes.VOCABULARY, shapes.MAX_LENGTH)
        network = sentence.word_token_encoder(encoder_dir, shapes.VOCABULARY, shapes.MAX_LENGTH)
    else:
        vectorizer, network, _ = encoder.load_text_encoder(encoder_dir)

    def embed(captions):
        tokens = vectorizer(np.asarray(captions, dtype=str)).numpy()
        return network.predict(tokens, batch_size=512, verbose=0)

    keras.utils.set_random_seed(seed)
    train = shapes.make_scenes(scenes, split="train")
    x = embed(train.captions.reshape(-1))
    y = np.repeat(train.attributes, shapes.CAPTIONS, axis=0)
    inputs = keras.Input(x.shape[1:])
    hidden = keras.layers.Dense(256, activation="relu")(inputs)
    heads = [keras.layers.Dense(n, name=name)(hidden)
             for name, n in zip(shapes.ATTRIBUTES, shapes.ATTRIBUTE_CLASSES)]
    model = keras.Model(inputs, heads)
    model.compile("adam", [keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=-1)] * len(heads))
    model.fit(x, [y[:, i] for i in range(y.shape[1])], epochs=epochs, batch_size=256,
              verbose=0)
    results = {}
    for split in ("test", "heldout"):
        data = shapes.make_scenes(1000, split=split)
        outputs = model.predict(embed(data.captions[:, 0]), verbose=0)
        guess = np.stack([o.argmax(-1) for o in outputs], 1)
        right = guess == data.attributes
        results[split] = {}
        for kind, rows in (("one object", data.attributes[:, 0] == 0),
                           ("two objects", data.attributes[:, 0] != 0)):
            used = slice(0, 4) if kind == "one object" else slice(0, 7)
            r = right[rows][:, used]
            results[split][kind] = {"all": float(r.all(1).mean()), **{
                name: float(r[:, i].mean())
                for i, name in enumerate(shapes.ATTRIBUTES[used])}}
    return results


def main():
    from tfgan_zoo.data import shapes
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("encoder", help="a trained text encoder directory, or a sentence model folder")
    parser.add_argument("--scenes", type=int, default=6000, help="train scenes for the probe")
    args = parser.parse_args()
    results = probe(args.encoder, args.scenes)
    print(json.dumps(results, indent=1))
    columns = ("all",) + shapes.ATTRIBUTES
    print("| captions | scenes | " + " | ".join(columns) + " |")
    for split, kinds in results.items():
        for kind, r in kinds.items():
            cells = [f"{r[n]:.3f}" if n in r else "" for n in columns]
            print(f"| {split} | {kind} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
