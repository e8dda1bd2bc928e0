"""Distributed training is the same training.

1. Replica equivalence: one optimisation step on a fixed global batch gives
   the same weights on 1 replica and on 2 (two logical CPU devices), for a
   model without batch norm and for DCGAN with synchronized batch norm. Two
   controls show the comparison can fail: plain batch norm (statistics per
   replica) and a per-replica loss mean (gradients scaled by the replica
   count: the losses' `reduce=tf.reduce_mean` instead of the default
   global-batch mean) must NOT match.
2. Multi-worker: two worker processes on 127.0.0.1, each with its own
   TF_CONFIG, train DCGAN through the trainer; both exit cleanly with the
   same weights, and only the chief writes anything.
3. A TPU address that nobody answers is refused at once, with one line.

The replica runs happen in one subprocess: two MirroredStrategy instances
over the same devices in one process clash on their collective instance
keys ("Shape mismatch in the collective instance"), and pytest may put
another module's strategy in this process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tfgan_zoo.errors import UserError
from tfgan_zoo.training.trainer import resolve_strategy

# Weights after one step (learning rate 0.1, SGD) agree to within this on 1
# and 2 replicas; float32 sums in a different order differ by ~1e-7.
RTOL, ATOL = 1e-5, 1e-6
BATCH, SHAPE, LATENT = 8, (16, 16, 1), 8
SCENARIOS = {
    # name: (model, constructor arguments, per-replica loss mean)
    "mlp_no_batch_norm": ("gan", dict(g_hidden=(32, 32), d_hidden=(32, 16),
                                      dropout=0.0), False),
    "dcgan_synchronized_bn": ("dcgan", dict(ngf=8, ndf=8, synchronized_bn=True), False),
    "control_dcgan_plain_bn": ("dcgan", dict(ngf=8, ndf=8, synchronized_bn=False), False),
    "control_per_replica_mean": ("gan", dict(g_hidden=(32, 32), d_hidden=(32, 16),
                                             dropout=0.0), True),
}


# ------------------------------------------------------------ replica runs
def fed_noise_model(name, per_replica_mean=False, **kwargs):
    """The registered model, with its real `train_step`, but drawing z from
    the batch: the dataset yields (images, z[B, draws, latent]) and the n-th
    `sample_noise` call of a step returns z[:, n]. The seeded noise folds in
    the replica id, so it differs between 1 and 2 replicas; fed noise gives
    every example the same z in both runs."""
    import tensorflow as tf
    from tfgan_zoo import losses, registry
    # MirroredStrategy traces each replica's step in its own thread.
    replica = threading.local()

    class FedNoise(registry.get_model_class(name)):
        def train_step(self, data):
            images, z = data
            replica.noise = iter(tf.unstack(z, axis=1))
            return super().train_step(images)

        def sample_noise(self, batch_size):
            return next(replica.noise)

        if per_replica_mean:  # the bug the test must catch
            def discriminator_loss(self, real_logits, fake_logits):
                return losses.minimax_discriminator_loss(real_logits, fake_logits,
                                                         reduce=tf.reduce_mean)

            def generator_loss(self, fake_logits):
                return losses.non_saturating_generator_loss(fake_logits,
                                                            reduce=tf.reduce_mean)

    return FedNoise(image_shape=SHAPE, latent_dim=LATENT, seed=1, **kwargs)


def one_step(strategy, scenario, initial=None):
    """Weights (all of them, batch-norm statistics included) before and after
    one `fit` step on the fixed global batch."""
    import tensorflow as tf
    import keras
    model_name, kwargs, per_replica_mean = SCENARIOS[scenario]
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (BATCH,) + SHAPE).astype("float32")
    z = rng.standard_normal((BATCH, 2, LATENT)).astype("float32")
    with strategy.scope():
        model = fed_noise_model(model_name, per_replica_mean, **kwargs)
        model.compile(g_optimizer=keras.optimizers.SGD(0.1),
                      d_optimizer=keras.optimizers.SGD(0.1))
        model.build_for_training()
    networks = (model.generator, model.discriminator)
    if initial is not None:
        for net, weights in zip(networks, initial):
            net.set_weights(weights)
    before = [net.get_weights() for net in networks]
    data = tf.data.Dataset.from_tensor_slices((images, z)).batch(BATCH).repeat()
    model.fit(data, steps_per_epoch=1, epochs=1, verbose=0)
    # An exception in a step can end `fit` early without a word: check.
    assert int(model.g_optimizer.iterations.numpy()) == 1, scenario
    return before, [net.get_weights() for net in networks], strategy.num_replicas_in_sync


def replica_runs(out):
    """Subprocess entry point: every scenario on 1 and 2 replicas -> .npz."""
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    two = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    arrays = {}
    for scenario in SCENARIOS:
        before, one_after, n1 = one_step(tf.distribute.get_strategy(), scenario)
        _, two_after, n2 = one_step(two, scenario, initial=before)
        assert (n1, n2) == (1, 2)
        for run, weights in (("before", before), ("one", one_after), ("two", two_after)):
            for net, ws in zip(("generator", "discriminator"), weights):
                for i, w in enumerate(ws):
                    arrays[f"{scenario}/{run}/{net}/{i}"] = w
    np.savez(out, **arrays)


def run_replica_scenarios(tmp_path):
    out = tmp_path / "weights.npz"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run([sys.executable, __file__, "replica-runs", str(out)],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    with np.load(out) as f:
        arrays = dict(f)
    runs = {}
    for key, value in arrays.items():
        scenario, run, net, i = key.split("/")
        runs.setdefault(scenario, {}).setdefault(run, {}).setdefault(net, {})[int(i)] = value
    return {s: {r: {n: [ws[i] for i in sorted(ws)] for n, ws in nets.items()}
                for r, nets in by_run.items()} for s, by_run in runs.items()}


def max_difference(a, b):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def weights_match(one, two):
    return all(np.allclose(a, b, rtol=RTOL, atol=ATOL) for a, b in zip(one, two))


def test_one_step_on_one_and_two_replicas(tmp_path):
    # One test, so that pytest-xdist runs the subprocess once.
    runs = run_replica_scenarios(tmp_path)
    for scenario in ("mlp_no_batch_norm", "dcgan_synchronized_bn"):
        for network in ("generator", "discriminator"):
            one, two = runs[scenario]["one"][network], runs[scenario]["two"][network]
            # The step moved the weights, so agreeing afterwards means something.
            assert max_difference(runs[scenario]["before"][network], one) > 1e-3
            for i, (a, b) in enumerate(zip(one, two)):
                np.testing.assert_allclose(b, a, rtol=RTOL, atol=ATOL,
                                           err_msg=f"{scenario} {network} weight {i}")
    # The controls must fail the same comparison: plain batch norm normalises
    # each half-batch by its own statistics, and a per-replica mean doubles
    # the summed gradients.
    for scenario in ("control_dcgan_plain_bn", "control_per_replica_mean"):
        one = runs[scenario]["one"]["generator"] + runs[scenario]["one"]["discriminator"]
        two = runs[scenario]["two"]["generator"] + runs[scenario]["two"]["discriminator"]
        assert not weights_match(one, two), f"{scenario} matched"
        assert max_difference(one, two) > 100 * ATOL, scenario


# ------------------------------------------------------------ multi-worker
def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


# Seconds both workers get to finish (about 35 s on 2 busy cores).
TIMEOUT = 180
WORKER = """
import json, sys
import numpy as np
from tfgan_zoo.config import Config
from tfgan_zoo.training.trainer import train
model = train(Config(**json.loads(sys.argv[1])), verbose=0)
# Trainable weights only: plain batch norm's moving statistics are each
# worker's own (synchronized_bn=True makes them global).
weights = model.generator.trainable_weights + model.discriminator.trainable_weights
print("WEIGHTS", json.dumps([float(np.sum(w.numpy())) for w in weights]))
"""


def files_under(path):
    return sorted(str(p.relative_to(path)) for p in Path(path).rglob("*") if p.is_file())


def test_multiworker_dcgan_only_chief_writes(tmp_path):
    ports = free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    procs, logs, timed_out = [], [], False
    try:
        for index in range(2):
            # Separate run directories, so that anything the non-chief writes
            # is seen (on a cluster --out is one shared path); separate
            # TMPDIRs, so that its scratch checkpoints can be checked too.
            tmp = tmp_path / f"tmp{index}"
            tmp.mkdir()
            config = dict(model="dcgan", dataset="mnist5k", image_size=16,
                          batch_size=16, steps=4, strategy="multiworker",
                          model_args={"latent_dim": 8, "ngf": 8, "ndf": 8},
                          sample_every=2, checkpoint_every=2, log_every=1,
                          epoch_steps=2, num_samples=4, export=True,
                          out=str(tmp_path / f"run{index}"))
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="",
                       TMPDIR=str(tmp), TF_CONFIG=json.dumps(
                           {"cluster": cluster, "task": {"type": "worker", "index": index}}))
            log = open(tmp_path / f"worker{index}.log", "w+")
            logs.append(log)
            procs.append(subprocess.Popen(
                [sys.executable, "-c", WORKER, json.dumps(config)],
                stdout=log, stderr=subprocess.STDOUT, env=env, text=True))
        deadline = time.monotonic() + TIMEOUT
        for proc in procs:
            proc.wait(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
        log.close()
    if timed_out:
        pytest.fail(f"workers still running after {TIMEOUT} s (killed):\n" +
                    "\n".join(f"worker {i}:\n{out[-2000:]}" for i, out in enumerate(outputs)))
    for index, (proc, output) in enumerate(zip(procs, outputs)):
        assert proc.returncode == 0, f"worker {index}:\n{output[-4000:]}"

    # Training was synchronous: both workers end with the same weights.
    weights = [json.loads(next(line for line in out.splitlines()
                               if line.startswith("WEIGHTS"))[len("WEIGHTS"):])
               for out in outputs]
    np.testing.assert_allclose(weights[0], weights[1], rtol=1e-6, atol=1e-6)

    chief, worker = tmp_path / "run0", tmp_path / "run1"
    written = files_under(chief)
    for expected in ("config.json", "model.json", "checkpoints/ckpt-00000002/state.json",
                     "checkpoints/ckpt-00000004/state.json", "samples/step-00000000.png",
                     "samples/step-00000004.png"):
        assert expected in written, f"chief did not write {expected}: {written}"
    assert any(p.startswith("logs/events.out.tfevents") for p in written)
    assert any(p.startswith("export/") and p.endswith("saved_model.pb") for p in written)
    assert files_under(worker) == [], "the non-chief worker wrote to its run directory"
    assert files_under(tmp_path / "tmp1") == [], "the non-chief left scratch files"


if __name__ == "__main__":
    if sys.argv[1:2] == ["replica-runs"]:
        replica_runs(sys.argv[2])


def test_an_unreachable_tpu_address_is_refused_at_once(monkeypatch):
    """TF's TPU initialisation waits without end on an address nobody
    answers; the trainer refuses it with one line first."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TPU_NAME", f"grpc://127.0.0.1:{port}")
    started = time.time()
    with pytest.raises(UserError, match="no TPU answers at TPU_NAME=grpc://127.0.0.1"):
        resolve_strategy("tpu")
    assert time.time() - started < 30
