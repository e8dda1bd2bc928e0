"""A seed fixes a run in every process: the same `--seed` builds the same
initial weights in two fresh interpreters (each imports tfgan_zoo before
seeding, as a recipe does), and layers of the same shape start apart."""

import json
import os
import subprocess
import sys

import numpy as np

BUILD = """
import hashlib, json, sys
import numpy as np
import keras
from tfgan_zoo.registry import build_model
keras.utils.set_random_seed(0)
out = {}
for name, shape in (("dcgan", (16, 16, 1)), ("pix2pix", (16, 16, 3))):
    model = build_model(name, image_shape=shape, **json.loads(sys.argv[1])[name])
    model.build_networks()
    weights = [np.asarray(w) for w in model.generator.weights if "kernel" in w.path]
    out[name] = [hashlib.sha256(w.tobytes()).hexdigest() for w in weights]
print(json.dumps(out))
"""
ARGS = {"dcgan": {"latent_dim": 8, "ngf": 4, "ndf": 4}, "pix2pix": {"ngf": 4, "ndf": 4}}


def _weights_in_a_fresh_process():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "random"}
    done = subprocess.run([sys.executable, "-c", BUILD, json.dumps(ARGS)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_same_seed_same_initial_weights_in_two_processes():
    first, second = _weights_in_a_fresh_process(), _weights_in_a_fresh_process()
    assert first == second
    for hashes in first.values():
        # Every kernel is drawn apart; equal hashes would mean a shared seed.
        assert len(set(hashes)) == len(hashes) > 2


def test_same_shape_layers_start_apart():
    import keras

    from tfgan_zoo.networks.layers import NORMAL_002

    keras.utils.set_random_seed(1)
    a, b = (keras.layers.Dense(8, kernel_initializer=NORMAL_002) for _ in range(2))
    a.build((None, 8))
    b.build((None, 8))
    assert not np.array_equal(a.kernel.numpy(), b.kernel.numpy())
    assert abs(float(np.std(a.kernel.numpy())) - 0.02) < 0.01
