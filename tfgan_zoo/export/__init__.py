"""Export trained generators: SavedModel for TF Serving, LiteRT for phones.

    python -m tfgan_zoo.export RUN_DIR --to EXPORT_ROOT \
        [--format saved_model,tflite] [--quantize none,float16,dynamic,int8] \
        [--version N] [--name NAME]

    from tfgan_zoo.export import export_run, export_model
    result = export_run("runs/dcgan", "exports")     # the next version
    print(result.summary())                          # sizes, latency, PSNR

See docs/SERVING.md for serving the result with TF Serving.
"""

from tfgan_zoo.export.saved_model import (endpoints, export_generator,
                                          serving_outputs)
from tfgan_zoo.export.serving import (ExportResult, export_model, export_run,
                                      grpc_predict, read_warmup, rest_predict,
                                      write_models_config)
from tfgan_zoo.export.tflite import QUANTIZATIONS, convert as convert_tflite
from tfgan_zoo.export.tflite import run as run_tflite

__all__ = ["ExportResult", "QUANTIZATIONS", "convert_tflite", "endpoints",
           "export_generator", "export_model", "export_run", "grpc_predict",
           "read_warmup", "rest_predict", "run_tflite", "serving_outputs",
           "write_models_config"]
