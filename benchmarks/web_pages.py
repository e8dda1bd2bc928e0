"""In-browser latency and parity of the web export (`--format web`).

Each model is exported as a page (the LiteRT.js runtime copied from
node_modules), opened in headless Chromium with a fresh profile and no
network, and driven through the same `tfgan_zoo.export.browser` code as
the tests: time to the first images, the time per image of
`window.tfganZoo.generate` (`--runs` calls after 3 warm-ups, each with a
new seed), the time per image the page itself shows after `--samples`
clicks of "Sample", and the largest difference between the page's images
and Python's LiteRT interpreter on the same inputs.

    python benchmarks/web_pages.py [--run dcgan=runs/dcgan ...] \
        [--screenshots docs/images] [--json out.json]

Without `--run NAME=DIR`, a model is built at its recipe's default size
with random weights (latency does not depend on the weights); with it, the
trained run is exported and its page is what the screenshot shows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import keras
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tfgan_zoo.export import browser, serving, web  # noqa: E402
from tfgan_zoo.export.tflite import machine  # noqa: E402
from tfgan_zoo.recipes import cgan, dcgan, pix2pix, stackgan  # noqa: E402
from tfgan_zoo.registry import build_model  # noqa: E402
from tfgan_zoo.rundir.run import load_run  # noqa: E402

RUNTIME = Path(__file__).resolve().parents[1] / "node_modules" / "@litertjs" / "core"
# name -> (registry model, image shape, constructor arguments) at the recipe defaults.
DEFAULTS = {
    "dcgan": ("dcgan", (32, 32, 1), dcgan.RECIPE.model_args),
    "cgan": ("cgan", (28, 28, 1), {"num_classes": 10, **cgan.RECIPE.model_args}),
    "pix2pix": ("pix2pix", (32, 32, 3), {"input_shape": (32, 32, 1),  # edges2photo
                                         **pix2pix.RECIPE.model_args}),
    "stackgan": ("stackgan", (64, 64, 3), {
        **stackgan.SHARED, "stage": 2, "stage1_ngf": stackgan.RECIPE.model_args["ngf"],
        "ngf": stackgan.STAGE2["stage2_ngf"], "ndf": stackgan.STAGE2["stage2_ndf"],
        "film": True, "discriminator": "projection"}),
}


def build(name, runs):
    if name in runs:
        model, config = load_run(runs[name])
        return model, config, f"trained run ({Path(runs[name]).name}, step {model.step})"
    model_name, shape, kwargs = DEFAULTS[name]
    keras.utils.set_random_seed(0)  # the same random weights every time
    model = build_model(model_name, image_shape=shape, seed=0, **kwargs)
    model.build_networks()
    return model, None, "recipe size, random weights"


TIMED = """async (runs) => {
  const times = [], records = [];
  for (let i = 0; i < runs + 3; i++) {
    const start = performance.now();
    const out = await window.tfganZoo.generate({seed: i});
    times.push(performance.now() - start);
    records.push({inputs: out.inputs, images_float: out.images_float});
  }
  return {times: times.slice(3), records};
}"""


def measure(instance, folder, samples, runs, screenshot=None):
    with browser.serve(folder) as url:
        start = time.perf_counter()
        page = browser.open_page(instance, url, timeout_s=300)
        load_s = time.perf_counter() - start
        status = browser.status(page)
        if status[0] != "ready":
            raise SystemExit(f"{folder}: {status[1]}")
        first = page.evaluate("window.tfganZoo.last")
        shown = []
        for _ in range(samples):
            page.evaluate("document.body.dataset.status = ''")
            page.click("#sample")
            browser.wait(page, timeout_s=300)
            shown.append(page.evaluate("window.tfganZoo.timing.ms_per_image"))
        timed = page.evaluate(TIMED, runs)
        times = timed["times"]
        records = [{"inputs": i, "images_float": f}
                   for i, f in zip(first["inputs"], first["images_float"])] + timed["records"]
        diffs = [np.abs(np.asarray(r["images_float"], np.float32)
                        - web.python_outputs(folder, r["inputs"])["images_float"].ravel()).max()
                 for r in records]
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
        page.context.close()
    return {"load_s": load_s, "ms_per_image": statistics.median(times),
            "ms_per_image_best": min(times), "shown_ms_per_image": statistics.median(shown),
            "images_per_sample": len(first["inputs"]), "compared": len(diffs),
            "max_abs_diff": float(max(diffs))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(DEFAULTS))
    parser.add_argument("--run", action="append", default=[], metavar="NAME=DIR",
                        help="export this trained run for NAME instead")
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--screenshots", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    runs = dict(item.split("=", 1) for item in args.run)
    reason = browser.missing() or (None if RUNTIME.is_dir() else "run `npm install`")
    if reason:
        raise SystemExit(reason)
    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as root, browser.chromium() as instance:
        for name in args.models.split(","):
            model, config, source = build(name, runs)
            result = serving.export_model(model, root, name=name, formats="web",
                                          quantize="none,dynamic", config=config,
                                          web_runtime=RUNTIME)
            folder = result.web.parent
            spec = web.read_spec(folder)
            shot = args.screenshots / f"web_{name}.png" if args.screenshots and name in runs \
                else None
            row = {"model": name, "source": source, "image_shape": spec["image_shape"],
                   "variant": spec["generator"]["variant"], "why": spec["generator"]["why"],
                   "kib": spec["generator"]["bytes"] / 1024,
                   "python_litert_ms": spec["generator"]["python_litert"]["latency_ms"],
                   **measure(instance, folder, args.samples, args.runs, shot)}
            rows.append(row)
            print(json.dumps(row), flush=True)
        version = instance.version
    summary = {"browser": f"Chromium {version} (headless)", "runtime":
               f"LiteRT.js {web.RUNTIME_VERSION}, WebAssembly CPU (XNNPack)",
               "machine": machine(), "cores": os.cpu_count(),
               "load_average": [round(load, 2), round(os.getloadavg()[0], 2)], "rows": rows}
    print("| model | image | LiteRT model (why) | first images (s) | ms / image in the page, "
          "median / best | page's own figure | ms / image, Python LiteRT | max abs diff vs "
          "Python LiteRT (images) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} ({r['source']}) | {'×'.join(map(str, r['image_shape']))} | "
              f"{r['variant']}, {r['kib']:.0f} KiB ({r['why']}) | {r['load_s']:.1f} | "
              f"{r['ms_per_image']:.2f} / {r['ms_per_image_best']:.2f} | "
              f"{r['shown_ms_per_image']:.1f} | {r['python_litert_ms']:.2f} | "
              f"{r['max_abs_diff']:.1e} ({r['compared']}) |")
    print(f"{summary['browser']}; {summary['runtime']}; {summary['machine']}, "
          f"{summary['cores']} cores; load average {summary['load_average']}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
