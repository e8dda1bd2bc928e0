"""A pretrained sentence-embedding model as the (frozen) text encoder.

Instead of training the BiGRU of `tfgan_zoo.text.encoder`, a text-to-image
GAN can read its captions with a local BERT-family sentence model, for
example all-MiniLM-L6-v2 (Reimers & Gurevych 2019; Wang et al. 2020):

    python -m tfgan_zoo.recipes.stackgan --sentence-encoder PATH

PATH is a sentence-transformers folder: `config.json` (a BERT config),
`model.safetensors`, the WordPiece vocabulary as `vocab.txt` or
`tokenizer.json`, and optionally `tokenizer_config.json` and
`1_Pooling/config.json`. Nothing is downloaded; the weights are read with
the `safetensors` package and run by Keras layers, so the GAN's SavedModel
carries the whole text path in stock TensorFlow ops.

Tokenization stays in the graph and the same as with the trained encoder:
`TextVectorization` over the dataset's vocabulary gives word ids, and each
word id maps to that word's WordPiece ids through a table computed once,
on the host, by the `tokenizers` package with BERT's rules (lower case,
accents stripped, split at punctuation, greedy longest-match-first
WordPiece). The pieces are packed
as `[CLS] pieces [SEP]`, read by BERT, pooled as the folder says (mean by
default) and scaled to norm sqrt(dim), the scale the GANs' conditioning
augmentation expects (`encoder.text_encoder` does the same). Training
steps read word ids only, so they compile with XLA. A word outside the
dataset's vocabulary is unknown to the GAN, as with the trained encoder.
"""

from __future__ import annotations

from pathlib import Path

import keras
import ml_dtypes  # numpy's bfloat16, which safetensors' BF16 tensors load as
import numpy as np
import safetensors
import safetensors.numpy
import tensorflow as tf
import tokenizers
from keras import layers

from tfgan_zoo.errors import UserError
from tfgan_zoo.files import read_json

WEIGHTS_FILE = "model.safetensors"
_POOLING = ("cls_token", "mean_tokens", "max_tokens")
_FLOATS = (np.float16, np.float64, ml_dtypes.bfloat16)


# --------------------------------------------------------------- the folder
def read_safetensors(path):
    """{name: float32 numpy array} of a safetensors file (the `safetensors`
    package's numpy loader; F16 and BF16 are widened to float32)."""
    path = Path(path)
    try:
        tensors = safetensors.numpy.load_file(str(path))
    except (safetensors.SafetensorError, OSError, ValueError) as e:
        raise UserError(f"{path} is not a readable safetensors file ({e}): pass the folder "
                        "of a sentence-transformers model, e.g. all-MiniLM-L6-v2") from None
    return {name: array.astype(np.float32) if array.dtype in _FLOATS else array
            for name, array in tensors.items()}


def _json(path, default=None):
    if not path.is_file():
        return default
    return read_json(path, "sentence model file", "replace the model folder with a "
                     "complete copy (e.g. all-MiniLM-L6-v2 as saved by sentence-transformers)")


def read_vocabulary(folder):
    """WordPiece vocabulary {token: id} from vocab.txt or tokenizer.json."""
    folder = Path(folder)
    if (folder / "vocab.txt").is_file():
        lines = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
        return {token: i for i, token in enumerate(lines)}
    spec = _json(folder / "tokenizer.json", {})
    model = spec.get("model", {})
    if model.get("type") != "WordPiece":
        raise UserError(f"{folder} has no vocab.txt and no WordPiece tokenizer.json: "
                        "a BERT-family sentence model is needed")
    return dict(model["vocab"])


def read_config(folder):
    """The model folder's settings, checked: BERT sizes, vocabulary, lower
    case, pooling."""
    folder = Path(folder)
    config = _json(folder / "config.json")
    if config is None or not (folder / WEIGHTS_FILE).is_file():
        raise UserError(f"{folder} is not a sentence-embedding model folder (needs "
                        f"config.json and {WEIGHTS_FILE}): pass e.g. the folder of "
                        "all-MiniLM-L6-v2 as saved by sentence-transformers")
    if config.get("model_type", "bert") != "bert":
        raise UserError(f"{folder} holds a {config['model_type']!r} model; only BERT-family "
                        "encoders (MiniLM, BERT) are supported")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise UserError(f"{folder}: only absolute position embeddings are supported")
    tokenizer = _json(folder / "tokenizer_config.json", {})
    normalizer = (_json(folder / "tokenizer.json", {}) or {}).get("normalizer") or {}
    pooling = _json(folder / "1_Pooling" / "config.json", {"pooling_mode_mean_tokens": True})
    modes = [m for m in _POOLING if pooling.get(f"pooling_mode_{m}")]
    unknown = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v
               and k[len("pooling_mode_"):] not in _POOLING]
    if len(modes) != 1 or unknown:
        raise UserError(f"{folder}/1_Pooling/config.json asks for pooling "
                        f"{modes + unknown}; supported: exactly one of {', '.join(_POOLING)}")
    return {"hidden": int(config["hidden_size"]), "layers": int(config["num_hidden_layers"]),
            "heads": int(config["num_attention_heads"]),
            "intermediate": int(config["intermediate_size"]),
            "positions": int(config["max_position_embeddings"]),
            "epsilon": float(config.get("layer_norm_eps", 1e-12)),
            "activation": config.get("hidden_act", "gelu"),
            "lower_case": bool(tokenizer.get("do_lower_case", normalizer.get("lowercase", True))),
            "pooling": modes[0]}


# ------------------------------------------------------------ tokenization
def wordpiece_tokenizer(vocabulary, lower_case=True):
    """BERT's tokenizer over a WordPiece vocabulary ({token: id}), from the
    `tokenizers` package: control characters dropped, lower case and accents
    stripped for uncased models, split at whitespace and around punctuation
    and CJK characters, then greedy longest-match-first WordPiece (continuations
    carry "##"; a word that cannot be covered is [UNK])."""
    tokenizer = tokenizers.Tokenizer(tokenizers.models.WordPiece(
        vocab=dict(vocabulary), unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = tokenizers.normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, lowercase=lower_case)
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.BertPreTokenizer()
    return tokenizer


def tokenize(text, tokenizer):
    """WordPiece ids of a string, without [CLS]/[SEP] (the reference the
    in-graph table is tested against)."""
    return tokenizer.encode(text, add_special_tokens=False).ids


def piece_table(words, vocabulary, lower_case=True):
    """int32 [len(words) + 2, P]: row 2 + i holds the WordPiece ids of
    words[i] (0-padded), row 1 (the GAN tokenizer's unknown word) [UNK],
    row 0 (padding) nothing. P is the most pieces of any word."""
    unknown = vocabulary["[UNK]"]
    tokenizer = wordpiece_tokenizer(vocabulary, lower_case)
    rows = [[], [unknown]] + [tokenize(w, tokenizer) or [unknown] for w in words]
    table = np.zeros((len(rows), max(len(r) for r in rows)), np.int32)
    for i, row in enumerate(rows):
        table[i, :len(row)] = row
    return table


@keras.saving.register_keras_serializable("tfgan_zoo")
class WordPieces(layers.Layer):
    """Word ids [B, L] -> (BERT ids [B, T], mask [B, T]): each word's pieces
    from the table, packed to the front in order, between [CLS] and [SEP],
    cut to the model's `positions`; T = min(L * P, positions - 2) + 2."""

    def __init__(self, table, cls_id, sep_id, positions, **kwargs):
        super().__init__(**kwargs)
        self.table = np.asarray(table, np.int32)
        self.cls_id, self.sep_id, self.positions = int(cls_id), int(sep_id), int(positions)

    def call(self, tokens):
        pieces = tf.gather(tf.constant(self.table), tf.cast(tokens, tf.int32))  # [B, L, P]
        width = tokens.shape[1] * self.table.shape[1]  # static, for XLA
        flat = tf.reshape(pieces, [-1, width])
        position = tf.range(width)
        # Stable pack: real pieces first, each group in its order.
        order = tf.argsort(tf.where(flat > 0, position, width + position), axis=1)
        packed = tf.gather(flat, order, batch_dims=1)[:, :self.positions - 2]
        count = tf.reduce_sum(tf.cast(packed > 0, tf.int32), axis=1, keepdims=True)
        length = packed.shape[1] + 2
        ids = tf.pad(packed, [[0, 0], [1, 1]], constant_values=0)
        slot = tf.range(length)[None, :]
        ids = tf.where(slot == 0, self.cls_id, tf.where(slot == count + 1, self.sep_id, ids))
        return ids, tf.cast(slot < count + 2, tf.float32)

    def compute_output_spec(self, tokens):
        length = min(tokens.shape[1] * self.table.shape[1], self.positions - 2) + 2
        return (keras.KerasTensor((tokens.shape[0], length), "int32"),
                keras.KerasTensor((tokens.shape[0], length), "float32"))

    def get_config(self):
        return {**super().get_config(), "table": self.table.tolist(), "cls_id": self.cls_id,
                "sep_id": self.sep_id, "positions": self.positions}


# ------------------------------------------------------------------- BERT
@keras.saving.register_keras_serializable("tfgan_zoo")
class BertEmbeddings(layers.Layer):
    """Word + position + segment-0 embeddings, then LayerNorm."""

    def __init__(self, vocabulary_size, hidden, positions, epsilon, **kwargs):
        super().__init__(**kwargs)
        self.sizes = (int(vocabulary_size), int(hidden), int(positions))
        self.epsilon = float(epsilon)
        self.norm = layers.LayerNormalization(epsilon=self.epsilon, name="norm",
                                              dtype=self.dtype_policy)

    def build(self, input_shape):
        vocabulary_size, hidden, positions = self.sizes
        self.words = self.add_weight(shape=(vocabulary_size, hidden), name="words")
        self.positions = self.add_weight(shape=(positions, hidden), name="positions")
        self.segment = self.add_weight(shape=(hidden,), name="segment")
        self.norm.build(input_shape + (hidden,))

    def call(self, ids):
        x = tf.gather(self.words, ids) + self.positions[:tf.shape(ids)[1]] + self.segment
        return self.norm(x)

    def get_config(self):
        vocabulary_size, hidden, positions = self.sizes
        return {**super().get_config(), "vocabulary_size": vocabulary_size, "hidden": hidden,
                "positions": positions, "epsilon": self.epsilon}


@keras.saving.register_keras_serializable("tfgan_zoo")
class BertLayer(layers.Layer):
    """One post-norm transformer layer (Vaswani et al. 2017; BERT):
    x = LN(x + MultiHead(x, mask)); x = LN(x + W2 act(W1 x))."""

    def __init__(self, hidden, heads, intermediate, epsilon, activation="gelu", **kwargs):
        super().__init__(**kwargs)
        if hidden % heads:
            raise UserError(f"hidden size {hidden} is not a multiple of {heads} heads")
        self.hidden, self.heads, self.intermediate = int(hidden), int(heads), int(intermediate)
        self.epsilon, self.activation = float(epsilon), activation
        # Sub-layers compute as this layer does (the encoder is built in
        # float32), not in the process's policy: under mixed_bfloat16 a norm
        # left to the global policy would hand bfloat16 to a float32 sum.
        dense = {"dtype": self.dtype_policy}
        self.query, self.key, self.value, self.attention_out = (
            layers.Dense(hidden, name=n, **dense) for n in ("query", "key", "value", "out"))
        self.attention_norm = layers.LayerNormalization(epsilon=epsilon, name="attention_norm",
                                                        **dense)
        self.up = layers.Dense(intermediate, name="up", **dense)
        self.down = layers.Dense(hidden, name="down", **dense)
        self.output_norm = layers.LayerNormalization(epsilon=epsilon, name="output_norm",
                                                     **dense)

    def build(self, input_shape):
        for layer in (self.query, self.key, self.value, self.attention_out):
            layer.build(input_shape)
        self.up.build(input_shape)
        self.down.build(input_shape[:-1] + (self.intermediate,))
        self.attention_norm.build(input_shape)
        self.output_norm.build(input_shape)

    def _act(self, x):
        if self.activation in ("gelu_new", "gelu_pytorch_tanh"):
            return keras.activations.gelu(x, approximate=True)
        if self.activation == "relu":
            return tf.nn.relu(x)
        return keras.activations.gelu(x, approximate=False)  # BERT's exact erf GELU

    def call(self, x, mask):
        batch, length = tf.shape(x)[0], tf.shape(x)[1]
        width = self.hidden // self.heads

        def split(t):  # [B, T, H] -> [B, heads, T, width]
            return tf.transpose(tf.reshape(t, [batch, length, self.heads, width]), [0, 2, 1, 3])

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = tf.matmul(q, k, transpose_b=True) / width ** 0.5
        scores += (1.0 - mask[:, None, None, :]) * -1e9  # no attention to padding
        context = tf.matmul(tf.nn.softmax(scores, axis=-1), v)
        context = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, length, self.hidden])
        x = self.attention_norm(x + self.attention_out(context))
        return self.output_norm(x + self.down(self._act(self.up(x))))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden, "heads": self.heads,
                "intermediate": self.intermediate, "epsilon": self.epsilon,
                "activation": self.activation}


@keras.saving.register_keras_serializable("tfgan_zoo")
class Pooling(layers.Layer):
    """Sentence vector of token states [B, T, H] (sentence-transformers'
    Pooling): the [CLS] state, or the mean or max over real tokens."""

    def __init__(self, mode="mean_tokens", **kwargs):
        super().__init__(**kwargs)
        self.mode = mode

    def call(self, states, mask):
        if self.mode == "cls_token":
            return states[:, 0]
        if self.mode == "max_tokens":
            return tf.reduce_max(states + (mask[..., None] - 1.0) * 1e9, axis=1)
        total = tf.reduce_sum(states * mask[..., None], axis=1)
        return total / tf.maximum(tf.reduce_sum(mask, axis=1, keepdims=True), 1e-9)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


def bert_encoder(config, vocabulary_size, name="sentence_bert"):
    """(ids [B, T], mask [B, T]) -> pooled sentence vector [B, hidden]."""
    ids = keras.Input((None,), dtype="int32", name="ids")
    mask = keras.Input((None,), dtype="float32", name="mask")
    x = BertEmbeddings(vocabulary_size, config["hidden"], config["positions"],
                       config["epsilon"], dtype="float32", name="embeddings")(ids)
    for i in range(config["layers"]):
        x = BertLayer(config["hidden"], config["heads"], config["intermediate"],
                      config["epsilon"], config["activation"], dtype="float32",
                      name=f"layer_{i}")(x, mask)
    pooled = Pooling(config["pooling"], dtype="float32", name="pooling")(x, mask)
    return keras.Model([ids, mask], pooled, name=name)


def load_bert_weights(network, tensors, path="the model"):
    """Copy a Hugging Face BertModel state dict (PyTorch layout: Linear
    weights are [out, in]) into `bert_encoder`'s layers."""
    anchor = "embeddings.word_embeddings.weight"
    prefix = next((k[:-len(anchor)] for k in tensors if k.endswith(anchor)), None)
    if prefix is None:
        raise UserError(f"{path} has no {anchor}: not a BERT-family checkpoint")

    def get(name):
        for candidate in (name, name.replace(".weight", ".gamma").replace(".bias", ".beta")):
            if prefix + candidate in tensors:
                return np.asarray(tensors[prefix + candidate], np.float32)
        raise UserError(f"{path} lacks the tensor {prefix + name}: is it a BERT checkpoint "
                        "of the size config.json says?")

    def dense(layer, name):
        layer.set_weights([get(f"{name}.weight").T, get(f"{name}.bias")])

    def norm(layer, name):
        layer.set_weights([get(f"{name}.weight"), get(f"{name}.bias")])

    embeddings = network.get_layer("embeddings")
    embeddings.words.assign(get("embeddings.word_embeddings.weight"))
    embeddings.positions.assign(get("embeddings.position_embeddings.weight"))
    embeddings.segment.assign(get("embeddings.token_type_embeddings.weight")[0])
    norm(embeddings.norm, "embeddings.LayerNorm")
    for layer in network.layers:
        if not isinstance(layer, BertLayer):
            continue
        at = f"encoder.layer.{layer.name.split('_')[-1]}."
        for sub, name in ((layer.query, "attention.self.query"),
                          (layer.key, "attention.self.key"),
                          (layer.value, "attention.self.value"),
                          (layer.attention_out, "attention.output.dense"),
                          (layer.up, "intermediate.dense"), (layer.down, "output.dense")):
            dense(sub, at + name)
        norm(layer.attention_norm, at + "attention.output.LayerNorm")
        norm(layer.output_norm, at + "output.LayerNorm")


# ---------------------------------------------------------- the encoder
def load(folder):
    """(BERT network with the folder's weights, WordPiece vocabulary,
    settings) of a sentence-embedding model folder."""
    folder = Path(folder)
    config = read_config(folder)
    vocabulary = read_vocabulary(folder)
    missing = [t for t in ("[CLS]", "[SEP]", "[UNK]") if t not in vocabulary]
    if missing:
        raise UserError(f"{folder}: the vocabulary lacks {', '.join(missing)}: not a BERT "
                        "WordPiece vocabulary")
    network = bert_encoder(config, max(vocabulary.values()) + 1)
    load_bert_weights(network, read_safetensors(folder / WEIGHTS_FILE), folder / WEIGHTS_FILE)
    network.trainable = False
    return network, vocabulary, config


def embedding_size(folder):
    """The sentence vector's size (hidden_size) of the model at `folder`."""
    return read_config(folder)["hidden"]


def word_token_encoder(folder, words, max_length, name="text_encoder"):
    """The GANs' text encoder over a sentence model: word ids [B,
    max_length] of the dataset vocabulary `words` (0 pads, 1 unknown, as
    `encoder.make_vectorizer`) -> embedding [B, hidden] of norm sqrt(hidden)."""
    bert, vocabulary, config = load(folder)
    table = piece_table(words, vocabulary, config["lower_case"])
    tokens = keras.Input((int(max_length),), dtype="int32", name="tokens")
    ids, mask = WordPieces(table, vocabulary["[CLS]"], vocabulary["[SEP]"],
                           config["positions"], name="wordpieces")(tokens)
    x = layers.UnitNormalization(dtype="float32")(bert([ids, mask]))
    out = layers.Rescaling(float(config["hidden"]) ** 0.5, dtype="float32", name="scale")(x)
    network = keras.Model(tokens, out, name=name)
    network.trainable = False
    return network
