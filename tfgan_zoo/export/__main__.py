"""`python -m tfgan_zoo.export RUN_DIR --to EXPORT_ROOT`: export a trained
run's generator for TF Serving, for phones and as a web page (see
tfgan_zoo.export.serving for the layout, docs/SERVING.md for serving it and
tfgan_zoo.export.web for the page)."""

from __future__ import annotations

import argparse
import sys

from tfgan_zoo.cli import ArgumentParser, positive_int
from tfgan_zoo.errors import UserError
from tfgan_zoo.export.serving import FORMATS, export_run, parse_list


def build_parser():
    parser = ArgumentParser(
        prog="python -m tfgan_zoo.export",
        description="Export a training run's generator: a versioned SavedModel "
                    "for TF Serving (EXPORT_ROOT/NAME/VERSION, plus models.config) "
                    "LiteRT models for phones (EXPORT_ROOT/tflite/NAME/VERSION) and "
                    "a web page that runs it with LiteRT.js (EXPORT_ROOT/web/NAME/VERSION).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("run_dir", metavar="RUN_DIR",
                        help="the --out directory of a training run")
    parser.add_argument("--to", dest="export_root", required=True,
                        metavar="EXPORT_ROOT", help="export root (created if missing)")
    parser.add_argument("--format", default="saved_model,tflite",
                        help="comma-separated: saved_model, tflite, web")
    parser.add_argument("--quantize", default=None,
                        help="TFLite variants, comma-separated: none (float32), "
                             "float16, dynamic, int8 (default: all four); the web "
                             "page picks from none and dynamic")
    parser.add_argument("--web-runtime", default=None, metavar="DIR",
                        help="copy the LiteRT.js runtime into the page from DIR, a "
                             "local node_modules/@litertjs/core (npm install "
                             "@litertjs/core), so it works offline (default: the page "
                             "loads the published runtime)")
    parser.add_argument("--version", type=positive_int, default=None,
                        help="version number (default: the next free one); an "
                             "existing version is never overwritten")
    parser.add_argument("--name", default=None,
                        help="served model name (default: the run's recipe, "
                             "else its model)")
    parser.add_argument("--step", type=positive_int, default=None,
                        help="checkpoint step to export (default: the newest)")
    parser.add_argument("--base-path", default="/models",
                        help="where EXPORT_ROOT is mounted for the server; "
                             "models.config serves NAME from BASE_PATH/NAME")
    parser.add_argument("--calibration-samples", type=positive_int, default=100,
                        help="int8 calibration inputs from the run's noise and data")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        formats = parse_list(args.format, FORMATS, "format")
        if args.quantize is not None and not {"tflite", "web"} & set(formats):
            raise UserError("--quantize applies to TFLite: add tflite or web to "
                            "--format or drop --quantize")
        result = export_run(args.run_dir, args.export_root, step=args.step,
                            name=args.name, version=args.version, formats=formats,
                            quantize=args.quantize, base_path=args.base_path,
                            calibration_samples=args.calibration_samples,
                            web_runtime=args.web_runtime)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
