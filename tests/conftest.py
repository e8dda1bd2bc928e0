"""Test set-up: two logical CPU devices, so multi-replica code runs without
GPUs (this must happen before TensorFlow initialises its devices), and the
shared fixtures of tests/support."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

try:
    _cpus = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)
except RuntimeError:  # already initialised by an earlier import
    pass

from tests.support.models import mirrored  # noqa: E402,F401  (a session fixture)
