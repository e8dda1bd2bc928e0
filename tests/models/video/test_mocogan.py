"""MoCoGAN: content held over a video, motion from the GRU, the action
code reaches D_V's head, clips and bad input."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_zoo.data import motion
from tfgan_zoo.errors import UserError
from tfgan_zoo.evaluation import video
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.models.video.mocogan import MoCoGAN, action_accuracy
from tfgan_zoo.rundir.checkpoint import CheckpointDir
from tests.support.models import one_line_error


def model(**options):
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, seed=1, **options)
    m.build_networks()
    return m


def test_frame_t_is_the_image_generator_of_content_action_and_motion_t():
    m = model()
    inputs = m.example_inputs(2, seed=0)
    assert inputs["motion"].shape == (2, 4, 2) and m.sample_shape == (4, 16, 16, 3)
    frames = m.generate_from({k: tf.constant(v) for k, v in inputs.items()}).numpy()
    codes = m.generator.get_layer("motion_gru")(tf.constant(inputs["motion"])).numpy()
    image = m.generator.get_layer("frames").layer
    one_hot = np.eye(4, dtype=np.float32)[inputs["action"]]
    for t in range(4):  # [z_C, z_A, z_M^(t)]: the same z_C and z_A in every frame
        code = np.concatenate([inputs["z"], one_hot, codes[:, t]], axis=1)
        np.testing.assert_allclose(image(code, training=False).numpy(), frames[:, t],
                                   atol=1e-5)
    # The motion code moves every frame (the untrained tiny G's outputs are
    # ~1e-5, so the change is read against their scale).
    assert np.abs(frames[:, 1:] - frames[:, :-1]).max() > 1e-2 * np.abs(frames).max()


def test_action_changes_the_video_and_is_read_by_d_v():
    m = model()
    inputs = {k: tf.constant(v) for k, v in m.example_inputs(2, seed=0).items()}
    a = m.generate_from(dict(inputs, action=tf.constant([0, 0]))).numpy()
    b = m.generate_from(dict(inputs, action=tf.constant([3, 3]))).numpy()
    assert np.abs(a - b).max() > 1e-4
    logit, action_logits = m.video_discriminator(tf.constant(a))
    assert logit.shape == (2, 1) and action_logits.shape == (2, 4)


def test_clips_and_a_video_shorter_than_a_clip():
    frames = np.arange(10)[:, None, None, None] * np.ones((10, 2, 2, 1))
    cut = motion.clips(frames, length=4, every_nth=2, stride=1)
    assert cut.shape == (4, 4, 2, 2, 1)
    np.testing.assert_array_equal(cut[1, :, 0, 0, 0], [1, 3, 5, 7])
    with pytest.raises(UserError) as excinfo:
        motion.clips(frames[:6], length=4, every_nth=2)
    one_line_error(excinfo, "a video of 6 frames is shorter than one clip of 4 frames")


def test_shape_motion_labels_and_acd():
    videos, actions, shapes = motion.generate(2, 16, "test", 6)
    assert videos.shape == (8, 6, 16, 16, 3) and list(actions) == [0, 1, 2, 3] * 2
    assert set(shapes) <= {0, 1}
    # left to right: the shape's centre of mass moves right
    mass = (videos[0].max(-1) > -0.5).astype(float)
    xs = [(m.sum(0) * np.arange(16)).sum() / m.sum() for m in mass]
    assert np.all(np.diff(xs) > 0)
    assert video.average_content_distance(videos) < 1e-5  # one colour a video
    assert video.random_pair_distance(videos) > 0.05
    flicker = videos.copy()
    flicker[:, 1::2] = np.where(flicker[:, 1::2] > -1, -flicker[:, 1::2], -1)
    assert video.average_content_distance(flicker) > video.average_content_distance(videos)


def test_discriminator_noise_acts_while_training_only_and_d_i_scores_patches():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, noise_sigma=0.5, seed=1)
    m.build_networks()
    video = tf.random.stateless_uniform([2, 4, 16, 16, 3], [0, 1], -1, 1)
    assert m.discriminator(video[:, 0]).shape == (2, 4, 4, 1)  # a 4x4 map of patch logits
    for net, x in ((m.discriminator, video[:, 0]), (m.video_discriminator, video)):
        quiet = tf.nest.flatten(net(x, training=False))[0].numpy()
        np.testing.assert_array_equal(quiet, tf.nest.flatten(net(x, training=False))[0])
        noisy = tf.nest.flatten(net(x, training=True))[0].numpy()
        again = tf.nest.flatten(net(x, training=True))[0].numpy()
        assert np.abs(noisy - again).max() > 0  # fresh noise on every training call


def test_d_i_judges_image_frames_frames_of_each_video():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, image_frames=3, seed=1)
    m.build_networks()
    # frame t of video b is the constant 10 b + t
    values = 10.0 * np.arange(2)[:, None] + np.arange(4)[None, :]
    videos = tf.constant(values[:, :, None, None, None] * np.ones((1, 1, 16, 16, 3)),
                         tf.float32)
    frames = m.random_frames(videos).numpy()
    assert frames.shape == (6, 16, 16, 3)
    picked = frames[:, 0, 0, 0]
    assert np.all(frames == picked[:, None, None, None])  # whole frames, not mixed
    np.testing.assert_array_equal(picked // 10, [0, 0, 0, 1, 1, 1])  # from its own video
    assert set(picked % 10) <= {0, 1, 2, 3}
    with pytest.raises(UserError) as excinfo:
        MoCoGAN(image_shape=(16, 16, 3), video_length=4, image_frames=0)
    one_line_error(excinfo, "image_frames must be at least 1, got 0")


def test_video_d_lr_sets_d_v_s_rate_only_and_action_accuracy():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, video_d_lr=5e-5, seed=1)
    adam = lambda: tf.keras.optimizers.Adam(2e-4)  # noqa: E731
    m.compile(g_optimizer=adam(), d_optimizer=adam(), video_discriminator_optimizer=adam())
    rate = lambda o: float(o.learning_rate.numpy())  # noqa: E731
    assert rate(m.video_discriminator_optimizer) == pytest.approx(5e-5)
    assert m.player_optimizers["video_discriminator"] is m.video_discriminator_optimizer
    assert rate(m.g_optimizer) == rate(m.d_optimizer) == pytest.approx(2e-4)
    # D_V's action head reads 2 of 3 clips right: argmax [0, 1, 0] against [0, 0, 0]
    logits = tf.constant([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    assert float(action_accuracy(logits, tf.constant([0, 0, 0]))) == pytest.approx(2 / 3)


def test_action_to_gru_makes_the_motion_codes_follow_the_action():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, action_to_gru=True, seed=1)
    m.build_networks()
    gru = m.generator.get_layer("motion_gru")
    assert gru.input.shape[-1] == 2 + 4  # eps_t and the one-hot action at every step
    codes = keras.Model(m.generator.inputs, gru.output)
    inputs = {k: tf.constant(v) for k, v in m.example_inputs(2, seed=0).items()}
    a = codes(dict(inputs, action=tf.constant([0, 0]))).numpy()
    b = codes(dict(inputs, action=tf.constant([3, 3]))).numpy()
    assert np.abs(a - b).max() > 1e-4


def test_gru_random_start_starts_the_motion_codes_from_an_input_state():
    """--gru-random-start: the GRU's h_0 is the generator input
    motion_start (the reference's random initial state); the first motion
    code equals one GRU step from it; a train step draws it; off by
    default, where the inputs stay z, motion and action."""
    assert "motion_start" not in model().generator_inputs()
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, gru_random_start=True, seed=1)
    m.build_networks()
    inputs = {k: tf.constant(v) for k, v in m.example_inputs(2, seed=0).items()}
    assert inputs["motion_start"].shape == (2, 2)
    gru = m.generator.get_layer("motion_gru")
    codes = keras.Model(m.generator.inputs, gru.output)
    first = codes(inputs).numpy()[:, 0]
    cell = gru.cell
    step, _ = cell(inputs["motion"][:, 0], [inputs["motion_start"]])
    np.testing.assert_allclose(first, step.numpy(), atol=1e-5)
    moved = codes(dict(inputs, motion_start=inputs["motion_start"] + 1.0)).numpy()[:, 0]
    assert np.abs(moved - first).max() > 1e-4
    m.compile(g_optimizer=keras.optimizers.Adam(2e-4), d_optimizer=keras.optimizers.Adam(2e-4),
              video_discriminator_optimizer=keras.optimizers.Adam(2e-4))
    real = (np.zeros((2, 4, 16, 16, 3), np.float32), np.array([0, 1], np.int32))
    logs = m.train_step(real)
    assert np.isfinite(float(np.ravel(logs["g_loss"])[0]))


def test_g_action_head_real_trains_its_own_classifier_on_real_clips_only():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, g_action_head="real", seed=1)
    adam = lambda: tf.keras.optimizers.Adam(1e-2)  # noqa: E731
    m.compile(g_optimizer=adam(), d_optimizer=adam(), video_discriminator_optimizer=adam())
    m.build_for_training()
    classifier = m.action_classifier
    # its own weights, no real/fake logit, updated by D_V's optimizer
    assert classifier.output.shape == (None, 4)
    assert not {id(v) for v in classifier.weights} & {id(v) for v in
                                                      m.video_discriminator.weights}
    assert classifier in m.player_networks()["video_discriminator"]
    # D_V's step moves the classifier; G's step (a fake-clip loss only) does not
    real, actions = m.example_data(4)
    before = [v.numpy().copy() for v in classifier.trainable_variables]
    m.train_step((tf.constant(real), tf.constant(actions)))
    assert any(np.abs(a - v.numpy()).max() > 0 for a, v in
               zip(before, classifier.trainable_variables))
    # G's action loss reads the classifier: its gradient reaches G through it
    inputs = m.draw_inputs(4)
    with tf.GradientTape() as tape:
        read = classifier(m.generate_from(inputs, training=True), training=True)
        loss = losses_of(read, inputs["action"])
    assert all(g is not None for g in tape.gradient(loss, m.generator.trainable_variables))
    # the paper's shared head builds no classifier; the option round-trips
    assert model().action_classifier is None
    assert MoCoGAN.from_config(m.get_config()).g_action_head == "real"
    with pytest.raises(UserError) as excinfo:
        MoCoGAN(image_shape=(16, 16, 3), video_length=4, g_action_head="fake")
    one_line_error(excinfo, "--g-action-head must be one of shared, real, got 'fake'")


def losses_of(logits, actions):
    from tfgan_zoo import losses
    return losses.classification_loss(logits, actions)


def test_g_action_head_real_feeds_g_s_action_loss_from_the_classifier_not_d_v():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, g_action_head="real", seed=1)
    # a learning rate of 0: no weight moves
    adam = lambda: tf.keras.optimizers.Adam(0.0)  # noqa: E731
    m.compile(g_optimizer=adam(), d_optimizer=adam(), video_discriminator_optimizer=adam())
    m.build_for_training()
    # the classifier reads every clip as action 2, D_V's head as action 0
    for net, favoured in ((m.action_classifier, 2), (m.video_discriminator, 0)):
        head = net.get_layer("action_logits")
        kernel, bias = head.get_weights()
        bias = np.full_like(bias, -50.0)
        bias[favoured] = 50.0
        head.set_weights([np.zeros_like(kernel), bias])
    draw = m.draw_inputs
    m.draw_inputs = lambda n: dict(draw(n), action=tf.fill([n], 2))  # G is asked for 2s
    real, actions = m.example_data(8)
    logs = m.train_step((tf.constant(real), tf.constant(actions)))
    assert float(logs["g_action_accuracy"][0]) == 1.0  # the classifier reads the 2s
    assert float(logs["fake_action_accuracy"][0]) == 0.0  # D_V's head reads 0s
    # G's loss holds the classifier's cross-entropy (~0), not D_V's (~100)
    assert float(logs["g_loss"][0]) < 20


def test_video_d_differences_shows_d_v_and_the_classifier_each_frame_s_change():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, g_action_head="real",
                video_d_differences=True, seed=1)
    m.build_networks()
    for net in (m.video_discriminator, m.action_classifier):
        assert net.get_layer("frame_differences").output.shape == (None, 4, 16, 16, 6)
    # frame t beside frame t less frame t - 1 (zero for the first)
    video = np.random.default_rng(0).uniform(-1, 1, (2, 4, 16, 16, 3)).astype("float32")
    both = m.video_discriminator.get_layer("frame_differences")(video).numpy()
    np.testing.assert_allclose(both[..., :3], video)
    np.testing.assert_allclose(both[:, 0, ..., 3:], 0)
    np.testing.assert_allclose(both[:, 1:, ..., 3:], video[:, 1:] - video[:, :-1], atol=1e-6)
    assert MoCoGAN.from_config(m.get_config()).video_d_differences
    assert model().video_discriminator.get_layer("conv1").input.shape[-1] == 3  # the paper's


def test_video_d_projection_makes_d_v_s_logit_depend_on_the_action():
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, video_d_projection=True, seed=1)
    m.build_networks()
    projection = m.video_discriminator.get_layer("projection")
    projection.set_weights([np.random.default_rng(0).normal(
        size=projection.get_weights()[0].shape).astype("float32")])
    video = tf.random.stateless_uniform([2, 4, 16, 16, 3], [0, 1], -1, 1)
    logit_0, actions_0 = m.video_discriminator([video, tf.constant([0, 0])])
    logit_3, actions_3 = m.video_discriminator([video, tf.constant([3, 3])])
    assert np.abs(logit_0 - logit_3).max() > 1e-4  # the real/fake logit reads the action
    np.testing.assert_allclose(actions_0, actions_3)  # the action head does not
    assert MoCoGAN.from_config(m.get_config()).video_d_projection
    # a training step runs with the actions reaching D_V
    adam = lambda: tf.keras.optimizers.Adam(1e-3)  # noqa: E731
    m.compile(g_optimizer=adam(), d_optimizer=adam(), video_discriminator_optimizer=adam())
    real, actions = m.example_data(4)
    logs = m.train_step((tf.constant(real), tf.constant(actions)))
    assert np.isfinite(float(logs["d_video_loss"][0]))
    assert len(model().video_discriminator.inputs) == 1  # the paper's D_V reads clips only


def test_centroid_motion_reads_real_clips_directions_and_a_flicker():
    videos, actions, _ = motion.generate(2, 16, "test", 8)
    read = video.centroid_motion(videos)
    np.testing.assert_array_equal(read["direction"], actions)
    assert np.all(read["straightness"] > 0.95) and np.all(read["flicker"] < 0.15)
    # left to right: dx > 0, no dy; top to bottom: dy > 0
    assert read["dx"][0] > 0.2 and abs(read["dy"][0]) < 0.05 and read["dy"][2] > 0.2
    # the same shape shown on every other frame only, in place: no path, all flicker
    still = np.repeat(videos[:1, :1], 8, axis=1).copy()
    still[:, 1::2] = -1
    read = video.centroid_motion(still)
    assert read["flicker"][0] > 0.9 and abs(read["dx"][0]) < 1e-6


def test_the_recipe_s_default_is_a_projection_d_v_at_a_quarter_of_g_s_rate_and_an_ema():
    from tfgan_zoo.config import parse_args
    from tfgan_zoo.recipes.mocogan import RECIPE
    args = parse_args(RECIPE, []).model_args
    assert args["video_d_projection"] is True and args["video_d_lr"] == pytest.approx(5e-5)
    assert RECIPE.g_lr == pytest.approx(2e-4)
    # G read through its average; `--ema-decay None` is the raw G (runs before this default)
    assert args["ema_decay"] == pytest.approx(0.995)
    assert MoCoGAN(**dict(args, video_length=4, ngf=4, ndf=4, num_actions=4),
                   image_shape=(16, 16, 3), seed=1).ema_decay == pytest.approx(0.995)
    assert parse_args(RECIPE, ["--ema-decay", "None"]).model_args["ema_decay"] is None
    # the paper's D_V, as the model's own default, is one flag away
    # (and what a run started before this default resumes with)
    paper = parse_args(RECIPE, ["--video-d-projection", "false", "--video-d-lr", "None"])
    assert paper.model_args["video_d_projection"] is False
    assert paper.model_args["video_d_lr"] is None


def test_ema_of_g_is_what_the_video_samples_checkpoint_and_export_read(tmp_path):
    """--ema-decay 0.5: one train step puts each averaged weight of the
    video G (GRU and frame generator) halfway between G's start and its
    update, batch norm's statistics copied; samples, a restored checkpoint
    and the exported `frames_float` come from the average, training from
    the raw G; recalibrating the average's batch norm draws every input
    (z, motion, action) from its prior."""
    m = model(ema_decay=0.5)
    adam = lambda: keras.optimizers.Adam(2e-4)  # noqa: E731
    m.compile(g_optimizer=adam(), d_optimizer=adam(), video_discriminator_optimizer=adam())
    trained = [w.trainable for w in m.generator.weights]
    start = [w.numpy().copy() for w in m.generator.weights]
    m.train_step(tuple(tf.constant(x) for x in m.example_data(4)))
    after = [w.numpy() for w in m.generator.weights]
    assert any(not np.allclose(s, a) for s, a in zip(start, after))
    gru = {w.path for w in m.generator.get_layer("motion_gru").weights}
    for weight, average, s, a, t in zip(m.generator.weights, m.generator_ema.weights, start,
                                        after, trained, strict=True):
        np.testing.assert_allclose(average.numpy(), (s + a) / 2 if t else a, atol=1e-6)
        gru.discard(weight.path)
    assert not gru  # the GRU's weights are averaged too
    assert m.inference_generator() is m.generator_ema
    assert m.inference_generator(training=True) is m.generator
    inputs = m.example_inputs(3, seed=2)
    names = ["z", "motion", "action"]
    ema = m.generator_ema([tf.constant(inputs[k]) for k in names], training=False).numpy()
    raw = m.generator([tf.constant(inputs[k]) for k in names], training=False).numpy()
    np.testing.assert_allclose(m.sample(3, seed=2), ema, atol=1e-6)
    assert not np.allclose(ema, raw, atol=1e-4)
    # the average's batch norm re-estimated on its own videos
    norm = next(layer for layer in m.generator_ema.get_layer("frames").layer.layers
                if isinstance(layer, keras.layers.BatchNormalization))
    before = norm.moving_mean.numpy().copy()
    assert m.recalibrate_ema(batches=2)
    assert not np.allclose(norm.moving_mean.numpy(), before)
    calibrated = m.sample(3, seed=2)
    CheckpointDir(tmp_path / "ckpt", m).save(1)
    fresh = model(ema_decay=0.5)
    CheckpointDir(tmp_path / "ckpt", fresh).restore(1)
    np.testing.assert_allclose(fresh.sample(3, seed=2), calibrated, atol=1e-6)
    loaded = tf.saved_model.load(str(export_saved_model(m, tmp_path / "export")))
    served = loaded.signatures["serving_default"](
        **{k: tf.constant(inputs[k]) for k in names})["frames_float"]
    np.testing.assert_allclose(served, calibrated, atol=1e-5)


def test_decay_after_decays_every_rate_d_v_s_own_from_its_video_d_lr():
    """--decay-after 0.5 over 10 steps: G's, D_I's and D_V's rates are
    constant for 5 updates, then fall linearly to 0 at 10, D_V's from its
    own 5e-5; a bad fraction, or no run length, is a one-line error; the
    recipe's flag reaches the model."""
    m = MoCoGAN(image_shape=(16, 16, 3), video_length=4, latent_dim=3, motion_dim=2,
                noise_dim=2, num_actions=4, ngf=4, ndf=4, video_d_lr=5e-5, decay_after=0.5,
                total_steps=10, seed=1)
    adam = lambda: keras.optimizers.Adam(2e-4)  # noqa: E731
    m.compile(g_optimizer=adam(), d_optimizer=adam(), video_discriminator_optimizer=adam())
    for optimizer, lr0 in [(m.g_optimizer, 2e-4), (m.d_optimizer, 2e-4),
                           (m.video_discriminator_optimizer, 5e-5)]:
        schedule = optimizer._learning_rate
        rates = [float(schedule(step)) for step in (0, 5, 7, 10)]
        np.testing.assert_allclose(rates, [lr0, lr0, 0.6 * lr0, 0.0], rtol=1e-6)
    assert m.player_optimizers["video_discriminator"] is m.video_discriminator_optimizer
    m.train_step(tuple(tf.constant(x) for x in m.example_data(4)))
    assert int(m.video_discriminator_optimizer.iterations) == 1
    with pytest.raises(UserError) as excinfo:
        MoCoGAN(image_shape=(16, 16, 3), video_length=4, decay_after=1.0, total_steps=10)
    one_line_error(excinfo, "--decay-after must be a finite rate in [0, 1), got 1.0")
    with pytest.raises(UserError) as excinfo:
        MoCoGAN(image_shape=(16, 16, 3), video_length=4, decay_after=0.5)
    one_line_error(excinfo, "pass total_steps")
    from tfgan_zoo.config import parse_args
    from tfgan_zoo.recipes.mocogan import RECIPE
    assert parse_args(RECIPE, ["--decay-after", "0.6"]).model_args["decay_after"] == 0.6
