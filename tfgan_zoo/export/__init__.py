"""Export trained generators: SavedModel for TF Serving, LiteRT for phones.

    python -m tfgan_zoo.export RUN_DIR --to EXPORT_ROOT \
        [--format saved_model,tflite] [--quantize none,float16,dynamic,int8] \
        [--version N] [--name NAME]

    from tfgan_zoo.export import export_run, export_model
    result = export_run("runs/dcgan", "exports")     # the next version
    print(result.summary())                          # sizes, latency, PSNR

One path writes every SavedModel, graph -> warmup -> card
(`saved_model.export_saved_model`): the trainer's end-of-run export and each
version under an export root. See docs/SERVING.md for serving the result.
"""

from tfgan_zoo.export.graph import endpoints
from tfgan_zoo.export.saved_model import export_saved_model
from tfgan_zoo.export.serving import (ExportResult, export_model, export_run,
                                      write_models_config)
from tfgan_zoo.export.tflite import QUANTIZATIONS, LiteView
from tfgan_zoo.export.tflite import convert as convert_tflite
from tfgan_zoo.export.tflite import run as run_tflite
from tfgan_zoo.export.warmup import read_warmup

__all__ = ["ExportResult", "LiteView", "QUANTIZATIONS", "convert_tflite", "endpoints",
           "export_model", "export_run", "export_saved_model", "read_warmup", "run_tflite",
           "write_models_config"]
