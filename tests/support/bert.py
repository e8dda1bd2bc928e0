"""A tiny random BERT sentence-model folder (the layout sentence-transformers
saves: config.json, vocab.txt, model.safetensors, 1_Pooling/config.json)
and a NumPy BERT written from the papers' equations, for every test that
needs a sentence encoder without the real all-MiniLM-L6-v2."""

import json
import struct

import numpy as np
from scipy.special import erf

from tfgan_zoo.data import shapes
from tfgan_zoo.text import sentence

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# "triangle" and "purple" are split into pieces; "cross" is missing, so it is [UNK].
PIECES = ["tri", "##angle", "pur", "##ple", "##s", "un", "##aff", "##able", ",", "!"]
WORDS = [w for w in shapes.VOCABULARY if w not in ("triangle", "purple", "cross")]
VOCABULARY = SPECIAL + PIECES + WORDS
TINY_BERT = {"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 2,
             "num_attention_heads": 2, "intermediate_size": 16,
             "max_position_embeddings": 40, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
             "hidden_act": "gelu", "vocab_size": len(VOCABULARY)}


def write_safetensors(path, tensors, dtype="F32"):
    """The format by its spec: u64 header size, JSON header, raw bytes."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, array in tensors.items():
        if dtype == "BF16":
            blob = (np.asarray(array, np.float32).view(np.uint32) >> 16).astype("<u2").tobytes()
        else:
            blob = np.asarray(array, {"F32": "<f4", "F16": "<f2"}[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def bert_state(config, seed=0):
    """A random Hugging Face BertModel state dict (PyTorch layout)."""
    rng = np.random.default_rng(seed)
    h, f = config["hidden_size"], config["intermediate_size"]

    def w(*shape):
        return rng.normal(0, 0.5, shape).astype(np.float32)

    state = {"embeddings.word_embeddings.weight": w(config["vocab_size"], h),
             "embeddings.position_embeddings.weight": w(config["max_position_embeddings"], h),
             "embeddings.token_type_embeddings.weight": w(2, h),
             "embeddings.LayerNorm.weight": 1 + w(h), "embeddings.LayerNorm.bias": w(h),
             "pooler.dense.weight": w(h, h), "pooler.dense.bias": w(h)}
    for i in range(config["num_hidden_layers"]):
        at = f"encoder.layer.{i}."
        for name, (out, inp) in {"attention.self.query": (h, h), "attention.self.key": (h, h),
                                 "attention.self.value": (h, h),
                                 "attention.output.dense": (h, h),
                                 "intermediate.dense": (f, h), "output.dense": (h, f)}.items():
            state[at + name + ".weight"], state[at + name + ".bias"] = w(out, inp), w(out)
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            state[at + name + ".weight"], state[at + name + ".bias"] = 1 + w(h), w(h)
    return state


def make_model_folder(root, pooling="mean_tokens", dtype="F32", prefix=""):
    """A sentence-model folder at `root` over TINY_BERT's random weights;
    returns (root, the state dict written)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.json").write_text(json.dumps(TINY_BERT))
    (root / "vocab.txt").write_text("\n".join(VOCABULARY) + "\n")
    (root / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True}))
    (root / "1_Pooling").mkdir(exist_ok=True)
    (root / "1_Pooling/config.json").write_text(json.dumps(
        {"word_embedding_dimension": 8, f"pooling_mode_{pooling}": True}))
    state = bert_state(TINY_BERT)
    write_safetensors(root / "model.safetensors",
                      {prefix + k: v for k, v in state.items()}, dtype)
    return root, state


def _layer_norm(x, weight, bias, eps=1e-12):
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def reference_bert(state, config, ids):
    """Devlin et al. 2019 / Vaswani et al. 2017 in NumPy, one sentence of
    token ids: the token states [T, H]."""
    s = {k: v.astype(np.float64) for k, v in state.items()}
    heads, t = config["num_attention_heads"], len(ids)
    x = (s["embeddings.word_embeddings.weight"][ids]
         + s["embeddings.position_embeddings.weight"][:t]
         + s["embeddings.token_type_embeddings.weight"][0])
    x = _layer_norm(x, s["embeddings.LayerNorm.weight"], s["embeddings.LayerNorm.bias"])
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def linear(name, inputs):
            return inputs @ s[p + name + ".weight"].T + s[p + name + ".bias"]

        q, k, v = (linear(f"attention.self.{n}", x).reshape(t, heads, -1).transpose(1, 0, 2)
                   for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        context = (weights @ v).transpose(1, 0, 2).reshape(t, -1)
        x = _layer_norm(x + linear("attention.output.dense", context),
                        s[p + "attention.output.LayerNorm.weight"],
                        s[p + "attention.output.LayerNorm.bias"])
        up = linear("intermediate.dense", x)
        up = 0.5 * up * (1 + erf(up / np.sqrt(2)))
        x = _layer_norm(x + linear("output.dense", up), s[p + "output.LayerNorm.weight"],
                        s[p + "output.LayerNorm.bias"])
    return x


def bert_ids(text, vocabulary):
    """[CLS] WordPiece ids [SEP] of one text, as BERT reads it."""
    tokenizer = sentence.wordpiece_tokenizer(vocabulary)
    return [vocabulary["[CLS]"]] + sentence.tokenize(text, tokenizer) + [vocabulary["[SEP]"]]


def padded(rows, width=None):
    """(ids int32 [N, width], mask float32 [N, width]) of id lists."""
    ids = np.zeros((len(rows), width or max(map(len, rows))), np.int32)
    mask = np.zeros(ids.shape, np.float32)
    for i, row in enumerate(rows):
        ids[i, :len(row)], mask[i, :len(row)] = row, 1
    return ids, mask
