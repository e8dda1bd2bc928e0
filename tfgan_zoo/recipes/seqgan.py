"""Yu et al. 2017: SeqGAN on the paper's synthetic oracle (§4): 10,000
sequences of 20 tokens over 5,000 from a random LSTM with N(0, 1) weights,
fixed seed. G (embedding and LSTM 32) is pre-trained by MLE, D (the
paper's CNN at half its filters) on G's samples, then adversarial steps of
REINFORCE with 8 Monte-Carlo rollouts (16 in the paper) from a delayed copy
of G. Afterwards RUN/report/report.json holds the oracle NLL of 2,000
samples beside the oracle's own floor, and RUN/report/samples.txt the
samples. `--dataset shapes_text` trains on the shapes grammar's captions
and reports the exact valid-sentence rate and BLEU-4 instead.

CPU-scale settings (recorded in benchmarks/RESULTS.md): 5,000 MLE steps
(32 epochs; the paper pre-trains to convergence, 80 epochs in its reference
code: here the oracle NLL of G flattens near 9.23 from about 3,000 steps,
`benchmarks/seqgan_oracle.py`'s curve), then 2,000 D updates on G's
samples (the paper 50 x 3 epochs; with 100-150, D stayed at chance (loss
near ln 4, rewards near 0.5) and the adversarial phase gained nothing over
MLE continued: -0.027 +- 0.191 nats over 3 seeds, against +0.102 +- 0.092
with 2,000), then 30 adversarial steps with 2 D updates each (the paper 5 x
3 epochs): the protocol benchmarks/seqgan_oracle.py measures. `--n-critic
2` feeds two batches a step, so D's 2,000 updates take 1,000 steps, and
--steps counts every phase's steps: 5,000 + 1,000 + 30 = 6,030. A run
started before 2026-12-05 resumes with --d-pretrain-steps 150 --n-critic 1
--steps 5200."""

from tfgan_zoo.config import Config
from tfgan_zoo.reports.sequence import write_token_report
from tfgan_zoo.training.trainer import main

RECIPE = Config(recipe="seqgan", model="seqgan", dataset="oracle", steps=6030,
                batch_size=64, g_lr=0.01, d_lr=1e-4, beta_1=0.9, num_samples=16,
                sample_every=400, checkpoint_every=400, mixed_precision="none",
                jit_compile=False,
                model_args={"num_filters": (50, 100, 100, 100, 100, 50, 50, 50, 50, 50,
                                            80, 80),
                            "rollouts": 8, "pretrain_steps": 5000, "d_pretrain_steps": 2000,
                            "n_critic": 2})

after = write_token_report


if __name__ == "__main__":
    main(RECIPE, after=after)
