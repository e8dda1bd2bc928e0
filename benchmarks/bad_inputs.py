"""A battery of bad inputs, each run as a real command, with its one-line
outcome: flags, environment variables (TF_CONFIG, TPU_NAME, $TFGAN_ZOO_*),
damaged run directories, exports and datasets.

    python benchmarks/bad_inputs.py                 # every case, a table
    python benchmarks/bad_inputs.py --only lock     # cases whose name has "lock"
    python benchmarks/bad_inputs.py --markdown      # the table for RESULTS.md

Every case must be *refused*: a non-zero exit, no traceback, and a last
line on stderr that names the problem and the fix. A few must *recover*
(exit 0): a damaged newest checkpoint (resume falls back to an older one)
and a stale lock (taken over). Run directories are copies of one tiny
DCGAN run made at the start (8x8 digits at 16 px, 2 steps); nothing
outside a scratch folder is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TINY = ["--image-size", "16", "--ngf", "8", "--ndf", "8", "--latent-dim", "8",
        "--batch-size", "16", "--dataset", "digits", "--sample-every", "2",
        "--checkpoint-every", "1", "--epoch-steps", "2", "--num-samples", "4", "--no-report"]
DCGAN = ["tfgan_zoo.recipes.dcgan", "--steps", "2", *TINY]
RESUME = ["tfgan_zoo.recipes.dcgan", "--steps", "3", *TINY]
TEXT = ["tfgan_zoo.recipes.gan_int_cls", "--steps", "2", "--encoder-steps", "2",
        "--batch-size", "8", "--no-report", "--no-evaluate"]
EVALUATE = ["tfgan_zoo.evaluate", "{run}", "--num-samples", "4", "--dataset", "digits"]
EXPORT = ["tfgan_zoo.export", "{run}", "--to", "{scratch}/exports", "--format", "saved_model"]
HOLD_LOCK = ("import sys, time\nfrom tfgan_zoo.rundir.run import RunLock\n"
             "RunLock(sys.argv[1]).__enter__()\nprint('held', flush=True)\ntime.sleep(600)\n")


# ------------------------------------------------------------- preparations
def fresh(scratch, base):
    return {}


def a_file(scratch, base):
    (scratch / "afile").write_text("not a run directory")
    return {}


def copy(scratch, base):
    shutil.copytree(base, scratch / "run")
    return {}


def damage(relative, data):
    def prepare(scratch, base):
        copy(scratch, base)
        target = scratch / "run" / relative
        target.parent.mkdir(parents=True, exist_ok=True)  # e.g. eval/ of a never-evaluated run
        target.write_bytes(data)
        return {}
    return prepare


def damage_checkpoints(which):
    def prepare(scratch, base):
        copy(scratch, base)
        steps = sorted((scratch / "run" / "checkpoints").glob("ckpt-*"))
        for ckpt in steps[-1:] if which == "newest" else steps:
            for data in ckpt.glob("ckpt.data-*"):
                data.write_bytes(data.read_bytes()[:50])
        return {}
    return prepare


def lock(owner):
    def prepare(scratch, base):
        copy(scratch, base)
        if owner == "live":
            process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(scratch / "run")],
                                       stdout=subprocess.PIPE, text=True, env=environment())
            process.stdout.readline()
            return {"_process": process}
        if owner == "dead":
            gone = subprocess.Popen([sys.executable, "-c", "pass"])
            gone.wait()
            record = {"pid": gone.pid, "host": socket.gethostname()}
        else:
            record = {"pid": 1, "host": "another-machine"}
        (scratch / "run" / "lock.json").write_text(json.dumps(record))
        return {}
    return prepare


def images_folder(kind):
    def prepare(scratch, base):
        folder = scratch / "images"
        folder.mkdir()
        if kind == "corrupt":
            for i in range(3):
                (folder / f"{i}.png").write_bytes(b"\x89PNG not really")
        return {}
    return prepare


def damaged_file(name, data):
    def prepare(scratch, base):
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_bytes(data)
        if name.startswith("encoder/"):
            (scratch / "encoder" / "text_encoder.weights.h5").write_bytes(b"")
        return {}
    return prepare


def damaged_export(scratch, base):
    copy(scratch, base)
    (scratch / "run" / "export" / "saved_model.pb").write_bytes(b"\x00garbage")
    return {}


# ------------------------------------------------------------------ cases
# (name, command, extra environment, preparation, expected outcome)
CASES = [
    ("--g-lr nan", [*DCGAN, "--out", "{scratch}/run", "--g-lr", "nan"], {}, fresh, "refused"),
    ("--d-lr -1", [*DCGAN, "--out", "{scratch}/run", "--d-lr", "-1"], {}, fresh, "refused"),
    ("--beta-1 1.5", [*DCGAN, "--out", "{scratch}/run", "--beta-1", "1.5"], {}, fresh,
     "refused"),
    ("--ema-decay 2", [*DCGAN, "--out", "{scratch}/run", "--ema-decay", "2"], {}, fresh,
     "refused"),
    ("--seed -1", [*DCGAN, "--out", "{scratch}/run", "--seed", "-1"], {}, fresh, "refused"),
    ("--ngf abc", [*DCGAN, "--out", "{scratch}/run", "--ngf", "abc"], {}, fresh, "refused"),
    ("--batch-size 0", [*DCGAN, "--out", "{scratch}/run", "--batch-size", "0"], {}, fresh,
     "refused"),
    ("--image-size 0", [*DCGAN, "--out", "{scratch}/run", "--image-size", "0"], {}, fresh,
     "refused"),
    ("--channels 2", [*DCGAN, "--out", "{scratch}/run", "--channels", "2"], {}, fresh,
     "refused"),
    ("--mixed-precision float8", [*DCGAN, "--out", "{scratch}/run", "--mixed-precision",
                                  "float8"], {}, fresh, "refused"),
    ("wgan --clip 0", ["tfgan_zoo.recipes.wgan", "--out", "{scratch}/run", "--clip", "0"], {},
     fresh, "refused"),
    ("wgan_gp --gp-weight nan", ["tfgan_zoo.recipes.wgan_gp", "--out", "{scratch}/run",
                                 "--gp-weight", "nan"], {}, fresh, "refused"),
    ("cyclegan --decay-after 1", ["tfgan_zoo.recipes.cyclegan", "--out", "{scratch}/run",
                                  "--decay-after", "1"], {}, fresh, "refused"),
    ("--no-such-flag", [*DCGAN, "--out", "{scratch}/run", "--no-such-flag"], {}, fresh,
     "refused"),
    ("--out an existing file", [*DCGAN, "--out", "{scratch}/afile"], {}, a_file, "refused"),
    ("--out under a file", [*DCGAN, "--out", "{scratch}/afile/run"], {}, a_file, "refused"),
    ("--dataset nope", [*DCGAN, "--out", "{scratch}/run", "--dataset", "nope"], {}, fresh,
     "refused"),
    ("--dataset folder: missing", [*DCGAN, "--out", "{scratch}/run", "--dataset",
                                   "folder:{scratch}/none"], {}, fresh, "refused"),
    ("--dataset folder: empty", [*DCGAN, "--out", "{scratch}/run", "--dataset",
                                 "folder:{scratch}/images"], {}, images_folder("empty"),
     "refused"),
    ("--dataset folder: corrupt images", [*DCGAN, "--out", "{scratch}/run", "--dataset",
                                          "folder:{scratch}/images"], {},
     images_folder("corrupt"), "refused"),
    ("TF_CONFIG malformed JSON", [*DCGAN, "--out", "{scratch}/run", "--strategy",
                                  "multiworker"], {"TF_CONFIG": '{"cluster": {'}, fresh,
     "refused"),
    ("TF_CONFIG unset", [*DCGAN, "--out", "{scratch}/run", "--strategy", "multiworker"],
     {"TF_CONFIG": ""}, fresh, "refused"),
    ("TF_CONFIG bad address", [*DCGAN, "--out", "{scratch}/run", "--strategy", "multiworker"],
     {"TF_CONFIG": '{"cluster": {"worker": ["localhost"]}, "task": {"type": "worker", '
                   '"index": 0}}'}, fresh, "refused"),
    ("TF_CONFIG task index out of range", [*DCGAN, "--out", "{scratch}/run", "--strategy",
                                           "multiworker"],
     {"TF_CONFIG": '{"cluster": {"worker": ["localhost:1"]}, "task": {"type": "worker", '
                   '"index": 3}}'}, fresh, "refused"),
    ("TPU_NAME of no TPU", [*DCGAN, "--out", "{scratch}/run", "--strategy", "tpu"],
     {"TPU_NAME": "grpc://127.0.0.1:1"}, fresh, "refused"),
    ("resume: corrupt config.json", [*RESUME, "--out", "{scratch}/run"], {},
     damage("config.json", b'{"model": '), "refused"),
    ("resume: corrupt model.json", [*RESUME, "--out", "{scratch}/run"], {},
     damage("model.json", b"\xff\xfe"), "refused"),
    ("resume: every checkpoint damaged", [*RESUME, "--out", "{scratch}/run"], {},
     damage_checkpoints("all"), "refused"),
    ("resume: newest checkpoint damaged", [*RESUME, "--out", "{scratch}/run"], {},
     damage_checkpoints("newest"), "recovers"),
    ("resume: newest state.json damaged", [*RESUME, "--out", "{scratch}/run"], {},
     damage("checkpoints/ckpt-00000002/state.json", b"{"), "recovers"),
    ("resume: live trainer on --out", [*RESUME, "--out", "{scratch}/run"], {}, lock("live"),
     "refused"),
    ("resume: lock of a dead process", [*RESUME, "--out", "{scratch}/run"], {}, lock("dead"),
     "recovers"),
    ("resume: lock from another host", [*RESUME, "--out", "{scratch}/run"], {},
     lock("another host"), "refused"),
    ("resume: different model", [*RESUME, "--out", "{scratch}/run", "--ngf", "16"], {}, copy,
     "refused"),
    ("export: corrupt model.json", EXPORT, {}, damage("model.json", b"[1, 2"), "refused"),
    ("export: --step 99", [*EXPORT, "--step", "99"], {}, copy, "refused"),
    ("export: not a run", [*EXPORT[:1], "{scratch}", *EXPORT[2:]], {}, fresh, "refused"),
    ("export: --format bogus", [*EXPORT, "--format", "onnx"], {}, copy, "refused"),
    ("export: corrupt eval/*.json", EXPORT, {}, damage("eval/fid-n4-seed0.json", b"{"),
     "refused"),
    ("evaluate: damaged SavedModel", EVALUATE, {}, damaged_export, "refused"),
    ("evaluate: corrupt config.json", [*EVALUATE, "--metrics", "fid"], {},
     damage("config.json", b"nonsense"), "refused"),
    ("evaluate: --metrics bogus", [*EVALUATE, "--metrics", "bogus"], {}, copy, "refused"),
    ("evaluate: --num-samples 0", [*EVALUATE[:2], "--num-samples", "0"], {}, copy, "refused"),
    ("TFGAN_ZOO_FID_WEIGHTS missing", [*EVALUATE, "--metrics", "fid"],
     {"TFGAN_ZOO_FID_WEIGHTS": "/nonexistent/inception.pt"}, copy, "refused"),
    ("TFGAN_ZOO_FID_WEIGHTS corrupt", [*EVALUATE, "--metrics", "fid"],
     {"TFGAN_ZOO_FID_WEIGHTS": "{scratch}/weights.pt"}, damaged_file("weights.pt", b"junk"),
     "refused"),
    ("TFGAN_ZOO_CACHE is a file", [*EVALUATE, "--metrics", "fid"],
     {"TFGAN_ZOO_CACHE": "{scratch}/afile"}, lambda s, b: {**copy(s, b), **a_file(s, b)},
     "refused"),
    ("text: --encoder-lr nan", [*TEXT, "--out", "{scratch}/run", "--encoder-lr", "nan"], {},
     fresh, "refused"),
    ("text: --text-encoder missing", [*TEXT, "--out", "{scratch}/run", "--text-encoder",
                                      "{scratch}/none"], {}, fresh, "refused"),
    ("text: corrupt encoder.json", [*TEXT, "--out", "{scratch}/run", "--text-encoder",
                                    "{scratch}/encoder"], {},
     damaged_file("encoder/encoder.json", b'{"vocab'), "refused"),
    ("text: --sentence-encoder missing", [*TEXT, "--out", "{scratch}/run",
                                          "--sentence-encoder", "{scratch}/none"], {}, fresh,
     "refused"),
]


# ---------------------------------------------------------------- running
def environment(**extra):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


def last_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else ""


def run_case(name, command, extra_env, prepare, expected, work, base, timeout):
    scratch = Path(tempfile.mkdtemp(prefix="case-", dir=work))
    held = prepare(scratch, base)
    # str.replace, not format: the TF_CONFIG cases hold JSON braces
    fill = lambda s: s.replace("{scratch}", str(scratch)).replace("{run}", str(scratch / "run"))
    env = environment(**{k: fill(v) for k, v in extra_env.items()})
    started = time.time()
    try:
        result = subprocess.run([sys.executable, "-m", *map(fill, command)], env=env,
                                capture_output=True, text=True, timeout=timeout)
        code, out, err = result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired:
        code, out, err = None, "", f"timed out after {timeout} s"
    finally:
        if "_process" in held:
            held["_process"].kill()
            held["_process"].wait()
    traceback = "Traceback" in err
    if expected == "refused":
        line = last_line(err)
        ok = code not in (0, None) and not traceback and "error:" in line
    else:
        line = last_line(out)
        ok = code == 0 and not traceback
        warned = [l for l in err.splitlines() if l.startswith(("warning:", "Taking over"))]
        line = f"{warned[0]} / {line}" if warned else line
    shown = line.replace(str(scratch), "SCRATCH")
    return {"name": name, "expected": expected, "exit": code, "ok": ok,
            "traceback": traceback, "line": shown, "seconds": time.time() - started}


def make_base(work, timeout):
    base = work / "base"
    result = subprocess.run([sys.executable, "-m", *DCGAN, "--out", str(base)],
                            env=environment(), capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        sys.exit(f"could not train the base run:\n{result.stderr[-3000:]}")
    return base


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=None, help="cases whose name contains this")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--timeout", type=int, default=900,
                        help="seconds per case (TensorFlow start-up alone is slow on a busy machine)")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if args.only is None or args.only in c[0]]
    with tempfile.TemporaryDirectory(prefix="tfgan_zoo-bad-inputs-") as tmp:
        work = Path(tmp)
        base = make_base(work, args.timeout)
        rows = []
        for case in cases:
            row = run_case(*case, work, base, args.timeout)
            rows.append(row)
            if not args.markdown:
                print(f"{'PASS' if row['ok'] else 'FAIL'} {row['name']:38s} exit "
                      f"{row['exit']!s:4s} {row['line'][:220]}", flush=True)
    if args.markdown:
        print("| input | expected | exit | one-line outcome |")
        print("| --- | --- | --- | --- |")
        for r in rows:
            line = r["line"].replace("|", "\\|")
            print(f"| `{r['name']}` | {r['expected']} | {r['exit']} | {line} |")
    passed = sum(r["ok"] for r in rows)
    print(f"\n{passed}/{len(rows)} cases as expected; "
          f"{sum(r['traceback'] for r in rows)} tracebacks")
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
