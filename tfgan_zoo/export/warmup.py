"""TF Serving warmup records: `assets.extra/tf_serving_warmup_requests`
holds one PredictionLog per signature, which the server replays before it
marks a version ready, so the first real request does not pay for graph
initialisation. `tensorflow_serving`'s protos are imported when a record is
written or read, never on the training path (they pull in gRPC)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_zoo.errors import DamagedFile, UserError

WARMUP_FILE = "tf_serving_warmup_requests"


# ----------------------------------------------------------------- warmup
def predict_request(model_name, signature_name, inputs, specs=None):
    """A `tensorflow_serving.apis.predict_pb2.PredictRequest` for numpy
    inputs, cast to the signature's dtypes when `specs` is given."""
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    request.model_spec.signature_name = signature_name
    for key, value in inputs.items():
        dtype = specs[key].dtype.as_numpy_dtype if specs else None
        request.inputs[key].CopyFrom(tf.make_tensor_proto(np.asarray(value, dtype)))
    return request


def write_warmup(saved_model_dir, endpoint_list, model_name):
    """`assets.extra/tf_serving_warmup_requests`: one PredictionLog per
    signature, which TF Serving replays before it marks a version ready, so
    the first real request does not pay for graph initialisation."""
    from tensorflow_serving.apis import prediction_log_pb2

    path = Path(saved_model_dir) / "assets.extra" / WARMUP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for e in endpoint_list:
            log = prediction_log_pb2.PredictionLog(
                predict_log=prediction_log_pb2.PredictLog(
                    request=predict_request(model_name, e.name, e.example, e.inputs)))
            writer.write(log.SerializeToString())
    return path


def read_warmup(saved_model_dir):
    """The PredictionLog records of a version's warmup file."""
    from tensorflow_serving.apis import prediction_log_pb2

    path = Path(saved_model_dir) / "assets.extra" / WARMUP_FILE
    if not path.is_file():
        raise UserError(f"{saved_model_dir} has no warmup records ({path} is missing): "
                        "export it again")
    try:
        return [prediction_log_pb2.PredictionLog.FromString(record.numpy())
                for record in tf.data.TFRecordDataset(str(path))]
    except Exception as e:  # DataLossError (a truncated record), DecodeError
        raise DamagedFile(f"warmup records {path} are damaged ({type(e).__name__}): "
                          "export the model again", path) from None
