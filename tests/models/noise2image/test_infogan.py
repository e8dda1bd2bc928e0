"""InfoGAN: the information terms by hand, the codes as named generator
inputs, and the mutual-information term reaching G, D's body and Q."""

import math
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo import losses
from tfgan_zoo.config import Config
from tfgan_zoo.errors import UserError
from tfgan_zoo.models.noise2image.infogan import InfoGAN
from tfgan_zoo.training.trainer import train


def small(**kwargs):
    model = InfoGAN(image_shape=(16, 16, 1), latent_dim=4, ngf=4, ndf=4, seed=0, **kwargs)
    model.build_networks()
    return model


def test_information_losses_by_hand():
    logits = tf.constant([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    expected = [-(2 - math.log(math.exp(2) + 2)), -(1 - math.log(math.e + 2))]
    assert float(losses.categorical_code_loss(logits, [0, 1])) == pytest.approx(
        np.mean(expected), rel=1e-6)
    means, codes = tf.constant([[0.5, 0.0]]), tf.constant([[1.0, -1.0]])
    nll = (0.25 + 1.0) / 2 + 2 * math.log(math.sqrt(2 * math.pi))
    assert float(losses.gaussian_code_loss(means, codes)) == pytest.approx(nll, rel=1e-6)


def test_gaussian_code_loss_with_learned_variance_by_hand():
    # -log N(c; mu, sigma^2) summed over codes: (c - mu)^2 / (2 sigma^2) + log sigma + log sqrt(2 pi)
    means, codes = tf.constant([[0.5, 0.0]]), tf.constant([[1.0, -1.0]])
    log_var = tf.constant([[math.log(0.25), 0.0]])           # sigma 0.5 and 1
    nll = (0.25 / (2 * 0.25) + math.log(0.5)) + (1.0 / 2 + 0.0) + 2 * math.log(math.sqrt(2 * math.pi))
    assert float(losses.gaussian_code_loss(means, codes, log_var=log_var)) == pytest.approx(
        nll, rel=1e-6)
    # a log-variance of 0 is the fixed unit deviation
    assert float(losses.gaussian_code_loss(means, codes, log_var=tf.zeros((1, 2)))) == \
        pytest.approx(float(losses.gaussian_code_loss(means, codes)), rel=1e-6)


def test_min_std_floors_a_learned_deviation_by_hand():
    means, codes = tf.constant([[0.5, 0.0]]), tf.constant([[1.0, -1.0]])
    log_var = tf.constant([[math.log(0.01), math.log(0.25)]])   # sigma 0.1 and 0.5
    # sigma 0.1 is read as the floor 0.3; sigma 0.5 is above it and kept
    nll = (0.25 / (2 * 0.09) + math.log(0.3)) + (1.0 / (2 * 0.25) + math.log(0.5)) \
        + 2 * math.log(math.sqrt(2 * math.pi))
    assert float(losses.gaussian_code_loss(means, codes, log_var=log_var, min_std=0.3)) == \
        pytest.approx(nll, rel=1e-6)
    # bounded below: Q exact and sure reaches log(min_std sqrt(2 pi)) per code, no lower
    sure = tf.fill((1, 2), -30.0)
    assert float(losses.gaussian_code_loss(codes, codes, log_var=sure, min_std=0.3)) == \
        pytest.approx(2 * math.log(0.3 * math.sqrt(2 * math.pi)), rel=1e-6)


def test_min_code_std_floors_q_in_the_information_term():
    model = small(learned_code_std=True, continuous_weight=0.5, min_code_std=0.3)
    codes = model.sample_codes(6)
    fake = model.generate_from(codes)
    head = model.discriminator.get_layer("q_log_var")
    kernel, bias = head.get_weights()
    head.set_weights([np.zeros_like(kernel), np.full_like(bias, math.log(0.01))])   # sigma 0.1
    _, logits, means, _ = model.discriminator(fake, training=True)
    ce = float(losses.categorical_code_loss(logits, codes["code_cat"]))
    floored = float(losses.gaussian_code_loss(means, codes["code_cont"],
                                              log_var=tf.fill(tf.shape(means), math.log(0.09))))
    with tf.GradientTape() as tape:
        info, _ = model.information_loss(codes, fake)
    assert float(info) == pytest.approx(ce + 0.5 * floored, rel=1e-5)
    # below the floor Q's log-variance head gets no gradient
    assert all(float(tf.reduce_max(tf.abs(g))) == 0
               for g in tape.gradient(info, head.trainable_variables))
    assert InfoGAN.from_config(model.get_config()).min_code_std == 0.3
    assert small(learned_code_std=True).min_code_std is None   # off in the model


def test_learned_code_std_gives_q_a_log_variance_head_that_the_term_trains():
    model = small(learned_code_std=True)
    assert len(model.discriminator.outputs) == 4
    assert len(small().discriminator.outputs) == 3   # the reference's fix_std=True
    codes = model.sample_codes(4)
    with tf.GradientTape() as tape:
        info, _ = model.information_loss(codes, model.generate_from(codes, training=True))
    head = [v for v in model.discriminator.trainable_variables if "q_log_var" in v.path]
    assert head and all(float(tf.reduce_max(tf.abs(g))) > 0 for g in tape.gradient(info, head))
    assert InfoGAN.from_config(model.get_config()).learned_code_std is True


def test_information_loss_weights_each_code_by_its_own_lambda():
    # lambda_cat (info_weight) scales the categorical cross-entropy only, and
    # continuous_weight the Gaussian NLL only, on Q's reading of one batch.
    model = small(info_weight=2.0, continuous_weight=0.5)
    codes = model.sample_codes(6)
    fake = model.generate_from(codes)
    _, logits, means = model.discriminator(fake, training=True)
    ce = float(losses.categorical_code_loss(logits, codes["code_cat"]))
    nll = float(losses.gaussian_code_loss(means, codes["code_cont"]))
    info, categorical = model.information_loss(codes, fake)
    assert float(categorical) == pytest.approx(ce, rel=1e-5)
    assert float(info) == pytest.approx(2.0 * ce + 0.5 * nll, rel=1e-5)
    assert InfoGAN.from_config(model.get_config()).info_weight == 2.0


def code_terms(**kwargs):
    """A compiled small model with late weights, a batch of its codes and
    fakes, and the unweighted categorical CE and continuous NLL on them."""
    model = small(info_weight=1.0, continuous_weight=0.5, late_info_weight=2.0,
                  total_steps=8, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3),
                  d_optimizer=keras.optimizers.Adam(2e-4))
    codes = model.sample_codes(6)
    fake = model.generate_from(codes)
    _, logits, means = model.discriminator(fake, training=True)
    ce = float(losses.categorical_code_loss(logits, codes["code_cat"]))
    nll = float(losses.gaussian_code_loss(means, codes["code_cont"]))
    return model, codes, fake, ce, nll


def test_late_info_weight_takes_over_lambda_cat_at_its_step():
    model, codes, fake, ce, nll = code_terms(late_info_step=3)
    # Steps 0-2 at lambda 1, step 3 on at 2; the continuous term is untouched.
    for step, weight in ((0, 1.0), (2, 1.0), (3, 2.0), (7, 2.0)):
        model.g_optimizer.iterations.assign(step)
        info, _ = model.information_loss(codes, fake)
        assert float(info) == pytest.approx(weight * ce + 0.5 * nll, rel=1e-5)
    restored = InfoGAN.from_config(model.get_config())
    assert (restored.late_info_weight, restored.late_info_step) == (2.0, 3)
    assert small().late_info_weight is None      # off in the model: the paper's fixed lambda


def test_late_info_until_gives_lambda_cat_back_at_its_step():
    model = small(info_weight=1.0, continuous_weight=0.5, late_info_weight=2.0,
                  late_info_step=3, late_info_until=5, total_steps=8)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3),
                  d_optimizer=keras.optimizers.Adam(2e-4))
    for step, weight in ((2, 1.0), (3, 2.0), (4, 2.0), (5, 1.0), (7, 1.0)):
        model.g_optimizer.iterations.assign(step)
        assert float(model.current_info_weight()) == weight
    assert InfoGAN.from_config(model.get_config()).late_info_until == 5
    assert small().late_info_until is None


def test_late_continuous_weight_takes_over_the_continuous_weight_at_its_step():
    model, codes, fake, ce, nll = code_terms(late_info_step=2, late_continuous_weight=2.0,
                                             late_continuous_step=3)
    # lambda_cat switches at 2 and the continuous weight at 3, each on its own.
    for step, cat, cont in ((0, 1.0, 0.5), (2, 2.0, 0.5), (3, 2.0, 2.0), (7, 2.0, 2.0)):
        model.g_optimizer.iterations.assign(step)
        info, _ = model.information_loss(codes, fake)
        assert float(info) == pytest.approx(cat * ce + cont * nll, rel=1e-5)
        assert float(model.current_continuous_weight()) == cont
    restored = InfoGAN.from_config(model.get_config())
    assert (restored.late_continuous_weight, restored.late_continuous_step) == (2.0, 3)
    assert small().late_continuous_weight is None   # off in the model: the paper's fixed weight


def tiny_infogan_run(out, steps, **model_args):
    config = Config(recipe="tiny", model="infogan", dataset="mnist5k", image_size=16,
                    steps=steps, batch_size=8, out=str(out), sample_every=100,
                    checkpoint_every=1, log_every=100, num_samples=4, epoch_steps=2,
                    export=False, report=False,
                    model_args={"latent_dim": 4, "ngf": 4, "ndf": 4, **model_args})
    return train(config, verbose=0)


def test_a_run_resumed_across_the_continuous_switch_is_the_uninterrupted_one(tmp_path):
    # A run without the option, copied at step 2 and resumed with the switch
    # at step 2 (config.json left behind, as the refusal says), is the fresh
    # run with the option: nothing before the switch depends on it.
    late = {"late_continuous_weight": 4.0, "late_continuous_step": 2}
    straight = tiny_infogan_run(tmp_path / "straight", 4, **late)
    tiny_infogan_run(tmp_path / "plain", 2)
    shutil.copytree(tmp_path / "plain" / "checkpoints", tmp_path / "resumed" / "checkpoints")
    resumed = tiny_infogan_run(tmp_path / "resumed", 4, **late)
    assert float(resumed.current_continuous_weight()) == 4.0
    for a, b in zip(straight.generator.weights, resumed.generator.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)
    # and the switch did something after step 2
    plain = tiny_infogan_run(tmp_path / "plain", 4)
    assert any(np.abs(a.numpy() - b.numpy()).max() > 1e-4
               for a, b in zip(plain.generator.weights, straight.generator.weights))


def test_q_dropout_drops_part_of_the_body_for_q_only_while_training():
    model = small(q_dropout=0.5)
    assert [layer.name for layer in model.discriminator.layers if "dropout" in layer.name] == [
        "q_dropout"]
    assert not any("dropout" in layer.name for layer in small().discriminator.layers)
    images = model.generate_from(model.sample_codes(8))
    first, second = (model.discriminator(images, training=True) for _ in range(2))
    # D's real/fake logit never sees the dropout; Q's outputs do, in training only.
    np.testing.assert_allclose(first[0], second[0], rtol=1e-6)
    assert not np.allclose(first[1], second[1])
    calm = [model.discriminator(images, training=False)[1] for _ in range(2)]
    np.testing.assert_allclose(*calm, rtol=1e-6)
    assert InfoGAN.from_config(model.get_config()).q_dropout == 0.5


def test_codes_are_named_inputs_with_their_priors():
    model = small()
    inputs = model.generator_inputs()
    assert list(inputs) == ["z", "code_cat", "code_cont"]
    assert inputs["code_cat"].prior == "categorical(10)"
    assert inputs["code_cont"].prior == "uniform(-1, 1)"
    assert inputs["z"].prior == "normal"
    # z ~ U(-1, 1) as in openai/InfoGAN's launcher, in training and as served
    uniform = small(noise_prior="uniform")
    assert uniform.generator_inputs()["z"].prior == "uniform(-1, 1)"
    z = uniform.sample_codes(256)["z"].numpy()
    assert np.abs(z).max() <= 1 and z.std() == pytest.approx(1 / math.sqrt(3), rel=0.1)
    spec = model.generator_input_spec()
    assert spec["code_cat"].dtype == tf.int32 and spec["code_cont"].shape.as_list() == [None, 2]
    example = model.example_inputs(12, seed=1)
    assert example["code_cat"].tolist() == list(range(10)) + [0, 1]
    assert np.abs(example["code_cont"]).max() <= 1
    without = small(continuous_codes=0)
    assert list(without.generator_inputs()) == ["z", "code_cat"]
    without.sample(2)


def test_mutual_information_term_reaches_generator_body_and_q():
    model = small()
    codes = model.sample_codes(4)
    with tf.GradientTape(persistent=True) as tape:
        fake = model.generate_from(codes, training=True)
        info, _ = model.information_loss(codes, fake)
    names = {"generator": model.generator.trainable_variables,
             "body": [v for v in model.discriminator.trainable_variables
                      if "conv2d" in v.path],
             "q": [v for v in model.discriminator.trainable_variables if "q_" in v.path]}
    for part, variables in names.items():
        grads = tape.gradient(info, variables)
        assert any(g is not None and float(tf.reduce_max(tf.abs(g))) > 0 for g in grads), part


def test_categorical_code_changes_the_image():
    model = small()
    inputs = model.example_inputs(2, seed=0)
    inputs["z"] = np.repeat(inputs["z"][:1], 2, 0)
    inputs["code_cont"] = np.zeros((2, 2), np.float32)
    images = model.generate_from({k: tf.constant(v) for k, v in inputs.items()}).numpy()
    assert not np.allclose(images[0], images[1])


@pytest.mark.parametrize("kwargs, message", [
    ({"num_categories": 1}, "--num-categories 10"),
    ({"continuous_codes": -1}, "--continuous-codes must be a finite integer >= 0"),
    ({"info_weight": -1.0}, "--info-weight must be a finite loss weight >= 0"),
    ({"image_shape": (18, 18, 1)}, "--image-size 28"),
    ({"noise_prior": "gauss"}, "--noise-prior normal"),
    ({"late_info_weight": -2.0}, "--late-info-weight must be a finite loss weight >= 0"),
    ({"late_info_weight": 2.0, "late_info_step": 8, "total_steps": 8},
     "pass a smaller --late-info-step"),
    ({"late_info_weight": 2.0, "late_info_step": 8, "late_info_until": 8},
     "must come after --late-info-step 8"),
    ({"late_info_until": 3000}, "--late-info-until 3000 needs --late-info-weight"),
    ({"late_continuous_weight": 2.0, "late_continuous_step": 4000, "total_steps": 4000},
     "pass a smaller --late-continuous-step"),
    ({"late_continuous_weight": 2.0, "continuous_codes": 0},
     "there are none: pass --continuous-codes 2 or --late-continuous-weight None"),
    ({"q_dropout": 1.0}, "--q-dropout must be a finite rate in"),
    ({"min_code_std": 0.3}, "pass --learned-code-std too, or --min-code-std None"),
    ({"learned_code_std": True, "min_code_std": 0.0},
     "--min-code-std must be a finite deviation > 0, got 0.0"),
])
def test_bad_flags_name_the_fix(kwargs, message):
    with pytest.raises(UserError, match=message):
        InfoGAN(**{"image_shape": (16, 16, 1), **kwargs})
