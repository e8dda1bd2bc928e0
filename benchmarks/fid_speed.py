"""Images/s of the FID Inception feature extractor, with and without XLA.

    python benchmarks/fid_speed.py --batch-sizes 16,32,64 --images 128 --repeats 3

For each batch size both extractors (jit_compile False / True) are built and
warmed up (the first batch pays tracing, and XLA compilation with jit), then
timed in alternation, `repeats` times each, so background load hits both
alike. Reports the best and the median wall-clock rate, the rate per
CPU-second of this process (less sensitive to other processes sharing the
cores) and the load average, as a markdown table.
"""

import argparse
import os
import statistics
import time

import numpy as np

from tfgan_zoo.evaluation.inception import FIDInception


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-sizes", default="16,32,64")
    parser.add_argument("--images", type=int, default=128, help="images per timed run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fid-weights", default=None)
    args = parser.parse_args()
    x = np.random.default_rng(0).uniform(-1, 1, (args.images, 32, 32, 3)).astype(np.float32)
    print(f"CPU cores visible: {os.cpu_count()}; load average at start: "
          f"{os.getloadavg()[0]:.2f}")
    print("| jit_compile | batch | first batch (s) | images/s best | images/s median "
          "| images per CPU-s |")
    print("|---|---|---|---|---|---|")
    for batch in (int(b) for b in args.batch_sizes.split(",")):
        nets, first, rates, cpu = {}, {}, {False: [], True: []}, {False: [], True: []}
        for jit in (False, True):
            nets[jit] = FIDInception(args.fid_weights, jit_compile=jit, batch_size=batch)
            start = time.perf_counter()
            nets[jit].features(x[:batch])
            first[jit] = time.perf_counter() - start
        for _ in range(args.repeats):
            for jit in (False, True):
                start, start_cpu = time.perf_counter(), time.process_time()
                nets[jit].features(x)
                rates[jit].append(args.images / (time.perf_counter() - start))
                cpu[jit].append(args.images / (time.process_time() - start_cpu))
        for jit in (False, True):
            print(f"| {jit} | {batch} | {first[jit]:.1f} | {max(rates[jit]):.1f} | "
                  f"{statistics.median(rates[jit]):.1f} | {max(cpu[jit]):.1f} |",
                  flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
