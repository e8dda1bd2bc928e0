"""SeqGAN against "MLE continued" on the synthetic oracle (Yu et al. 2017, §4).

    python benchmarks/seqgan_oracle.py --seeds 0 1 2 --out runs/seqgan-oracle.jsonl

Per seed: MLE pre-training of G on 10,000 oracle sequences (vocab 5,000,
length 20), D pre-training on G's samples (2,000 updates by default: with
100, D stayed at chance and the rewards carried no signal), then two arms
from the same pre-trained G and optimizer state:

- adversarial: `--adversarial-steps` SeqGAN steps (REINFORCE with
  `--rollouts` Monte-Carlo rollouts, `--n-critic` D steps each);
- MLE continued: the same number of generator steps of MLE, and then MLE on
  until it has used the adversarial arm's CPU time.

The split point (G, D and both optimizers after pre-training) is saved
under --cache and reused by a rerun; `--split-seed S` starts every seed's
arms from seed S's split point, so the MLE phase is paid for once and the
seeds differ in the adversarial and MLE-continued phases only.
`--log-every` prints the oracle NLL along the MLE phase (its curve).

Each arm's oracle NLL (nats a token, `--num-samples` samples of G) is
measured at its end; the oracle's NLL on its own held-out samples is the
floor. D's accuracy on 1,000 held-out oracle sequences against 1,000 of G's
is read at the split and after the adversarial arm (`--d-log-every`: along
D's pre-training too): whether D tells the oracle's sequences from G's, or
only the training set's. One JSON line per seed is appended to --out as it finishes, so a
stopped run keeps its finished seeds; the table is printed at the end
(pass --table to print it from --out alone).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.data import load_dataset
from tfgan_zoo.data.sequences import oracle_tokens
from tfgan_zoo.evaluation.sequence import oracle_nll, sample_tokens
from tfgan_zoo.models.sequence.seqgan import SeqGAN
from tfgan_zoo.optimizers import make_optimizer

PAPER_FILTERS = (100, 200, 200, 200, 200, 100, 100, 100, 100, 100, 160, 160)


def cpu():
    return time.process_time()


def arrays(values):
    """A 1-D object array of arrays of any shapes (np.array would stack them)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def d_accuracy(model, real, seed, n=1000):
    """D's accuracy on `n` held-out oracle sequences against `n` fresh samples
    of G (threshold logit 0): how well the rewards can tell them apart."""
    fake = sample_tokens(model, n, seed=seed)
    logits = [model.discriminate(tf.constant(x)).numpy()[:, 0] for x in (real[:n], fake)]
    return float((np.mean(logits[0] > 0) + np.mean(logits[1] <= 0)) / 2)


def run_seed(seed, args, floor, held_out):
    tf.keras.utils.set_random_seed(seed)
    data = load_dataset("oracle", batch_size=64 * args.n_critic, seed=seed)
    model = SeqGAN(**data.model_args, num_filters=tuple(f // 2 for f in PAPER_FILTERS),
                   rollouts=args.rollouts, pretrain_steps=args.pretrain_steps,
                   d_pretrain_steps=args.d_pretrain_steps, n_critic=args.n_critic, seed=seed)
    model.compile(g_optimizer=make_optimizer("adam", args.g_lr, beta_1=0.9),
                  d_optimizer=make_optimizer("adam", args.d_lr, beta_1=0.9))
    model.build_for_training()
    batches = iter(data.dataset)
    step = model.make_train_function()
    nll = lambda n=args.num_samples: oracle_nll(sample_tokens(model, n, seed=1000 + seed))
    split = seed if args.split_seed is None else args.split_seed
    cache = Path(args.cache) / (f"seed{split}-mle{args.pretrain_steps}"
                                f"-d{args.d_pretrain_steps}.npz") if args.cache else None
    if split != seed and not (cache and cache.exists()):
        raise SystemExit(f"no split point of seed {split} in {args.cache}: run "
                         f"--seeds {split} first")
    if cache and cache.exists():  # the split point of an earlier run of this seed
        state = np.load(cache, allow_pickle=True)
        model.set_weights(list(state["weights"]))
        for key in ("g_optimizer", "d_optimizer"):
            for w, v in zip(getattr(model, key).variables, state[key]):
                w.assign(v)
        result = {**json.loads(str(state["result"])), "seed": seed, "split_seed": split,
                  "floor": floor, "cached": True}
    else:
        start, curve, d_curve = cpu(), [], []
        while model.phase() != "adversarial":  # D pre-training counts D updates
            phase = model.phase()
            step(batches)
            done = int(model.g_optimizer.iterations.numpy())
            d_done = int(model.d_optimizer.iterations.numpy())
            if (args.log_every and phase == "mle" and done % args.log_every == 0):
                curve.append((done, round(nll(500), 3)))
                print(f"MLE step {done}: oracle NLL {curve[-1][1]} (500 samples), "
                      f"{cpu() - start:.0f} CPU s", flush=True)
            if (args.d_log_every and phase == "discriminator"
                    and d_done % args.d_log_every < args.n_critic):
                d_curve.append((d_done, round(d_accuracy(model, held_out, 500 + d_done), 3)))
                print(f"D update {d_done}: accuracy {d_curve[-1][1]} (1,000 held-out real "
                      f"against 1,000 of G), {cpu() - start:.0f} CPU s", flush=True)
        result = {"seed": seed, "pretrain_cpu_s": cpu() - start, "floor": floor,
                  "mle_curve": curve, "d_curve": d_curve}
        result["nll_after_mle"] = nll()
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, weights=arrays(model.get_weights()), result=json.dumps(result),
                     **{key: arrays(v.numpy() for v in getattr(model, key).variables)
                        for key in ("g_optimizer", "d_optimizer")})
    result["d_accuracy_at_split"] = d_accuracy(model, held_out, 2000 + seed)
    print(json.dumps(result), flush=True)
    saved = ([w.numpy() for w in model.generator.weights],
             [v.numpy() for v in model.g_optimizer.variables])

    start = cpu()
    for _ in range(args.adversarial_steps):
        logs = step(batches)
    result["adversarial_cpu_s"] = budget = cpu() - start
    result["nll_adversarial"] = nll()
    result["adversarial_logs"] = {k: float(np.ravel(v)[0]) for k, v in logs.items()}
    result["d_accuracy_after"] = d_accuracy(model, held_out, 3000 + seed)

    for w, v in zip(model.generator.weights, saved[0]):
        w.assign(v)
    for w, v in zip(model.g_optimizer.variables, saved[1]):
        w.assign(v)
    mle = model._make_function(model.mle_step)
    start, steps = cpu(), 0
    for _ in range(args.adversarial_steps):
        mle(batches)
        steps += 1
    result["nll_mle_same_steps"] = nll()
    while cpu() - start < budget:
        mle(batches)
        steps += 1
    result["mle_continued_steps"] = steps
    result["nll_mle_same_cpu"] = nll()
    result["gain_same_cpu"] = result["nll_mle_same_cpu"] - result["nll_adversarial"]
    result["gain_same_steps"] = result["nll_mle_same_steps"] - result["nll_adversarial"]
    return result


def table(rows):
    print("| seed | NLL after MLE | SeqGAN | MLE, same G steps | MLE, same CPU | "
          "gain (same CPU) | gain (same steps) | D held-out accuracy, split / after |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        accuracy = " / ".join(f"{r[k]:.3f}" if k in r else "–"
                              for k in ("d_accuracy_at_split", "d_accuracy_after"))
        print(f"| {r['seed']} | {r['nll_after_mle']:.3f} | {r['nll_adversarial']:.3f} | "
              f"{r['nll_mle_same_steps']:.3f} | {r['nll_mle_same_cpu']:.3f} | "
              f"{r['gain_same_cpu']:+.3f} | {r['gain_same_steps']:+.3f} | {accuracy} |")
    for key in ("gain_same_cpu", "gain_same_steps"):
        gains = np.array([r[key] for r in rows])
        print(f"{key}: mean {gains.mean():+.3f}, sd {gains.std(ddof=1) if len(gains) > 1 else 0:.3f}"
              f" over {len(gains)} seed(s) (target >= +0.05); floor {rows[0]['floor']:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--pretrain-steps", type=int, default=5000,
                        help="MLE steps before the split (G's oracle NLL flattens from "
                             "about 3,000)")
    parser.add_argument("--log-every", type=int, default=1000,
                        help="oracle NLL (500 samples) every this many MLE steps; 0: off")
    parser.add_argument("--d-pretrain-steps", type=int, default=2000,
                        help="D updates on G's samples before the arms (the reference "
                             "code: 50 x 3 epochs)")
    parser.add_argument("--d-log-every", type=int, default=0,
                        help="D's held-out accuracy every this many D pre-training updates; "
                             "0: off")
    parser.add_argument("--adversarial-steps", type=int, default=30)
    parser.add_argument("--rollouts", type=int, default=8)
    parser.add_argument("--n-critic", type=int, default=2)
    parser.add_argument("--g-lr", type=float, default=0.01)
    parser.add_argument("--d-lr", type=float, default=1e-4)
    parser.add_argument("--num-samples", type=int, default=2000)
    parser.add_argument("--out", default="runs/seqgan-oracle.jsonl")
    parser.add_argument("--cache", default="runs/seqgan-oracle-split",
                        help="folder of each seed's split point (G, D and optimizer state "
                             "after pre-training), reused by a rerun; '' to retrain")
    parser.add_argument("--split-seed", type=int, default=None,
                        help="start every seed's two arms from this seed's split point "
                             "(pre-trained once); default: each seed pre-trains its own")
    parser.add_argument("--table", action="store_true", help="print the table of --out")
    args = parser.parse_args()
    out = Path(args.out)
    if not args.table:
        out.parent.mkdir(parents=True, exist_ok=True)
        floor = oracle_nll(oracle_tokens(args.num_samples, seed=99))
        held_out = oracle_tokens(1000, seed=77)  # D's test set: not among the training sequences
        print(f"oracle floor (its own held-out samples): {floor:.3f}", flush=True)
        for seed in args.seeds:
            result = run_seed(seed, args, floor, held_out)
            print(json.dumps(result), flush=True)
            with out.open("a") as f:
                f.write(json.dumps({**result, "args": vars(args)}) + "\n")
    table([json.loads(line) for line in out.read_text().splitlines()])


if __name__ == "__main__":
    main()
