"""A registered model at its tiny `test_config`, compiled and built, for the
model-specific tests."""

import keras

from tfgan_zoo import registry


def tiny_model(name, image_shape=(16, 16, 1), lr=1e-3, **overrides):
    cls = registry.get_model_class(name)
    model = cls(**{"image_shape": image_shape, "seed": 0, **cls.test_config, **overrides})
    model.compile(g_optimizer=keras.optimizers.Adam(lr), d_optimizer=keras.optimizers.Adam(lr),
                  **{f"{p}_optimizer": keras.optimizers.Adam(lr) for p in model.players[2:]})
    model.build_for_training()
    return model


def weights(network):
    """Copies of a network's trainable weights (batch-norm statistics move
    whenever a network runs in training mode)."""
    return [w.numpy().copy() for w in network.trainable_weights]
