"""What TF Serving would answer, emulated from a loaded SavedModel: its REST
`:predict` (row and columnar formats) and gRPC `Predict` with an output
filter. Test support, not a server: the real server cannot be installed
here (docs/SERVING.md), so tests check requests against the signatures."""

import base64
import json

import numpy as np
import tensorflow as tf
from tensorflow_serving.apis import predict_pb2

from tfgan_zoo.errors import UserError
from tfgan_zoo.signatures import DEFAULT_SIGNATURE


# --------------------------------------------- TF Serving's predict APIs
def _signature(loaded, signature_name):
    signature_name = signature_name or DEFAULT_SIGNATURE
    if signature_name not in loaded.signatures:
        raise UserError(f"no signature '{signature_name}': choose one of "
                        f"{', '.join(loaded.signatures)}")
    return loaded.signatures[signature_name]


def _input_specs(signature):
    return signature.structured_input_signature[1]


def _run(signature, arrays):
    specs = _input_specs(signature)
    missing, extra = set(specs) - set(arrays), set(arrays) - set(specs)
    if missing or extra:
        raise UserError(f"request inputs {sorted(arrays)} do not match the "
                        f"signature's {sorted(specs)}")
    feeds = {k: tf.constant(np.asarray(v, specs[k].dtype.as_numpy_dtype))
             for k, v in arrays.items()}
    return {k: v.numpy() for k, v in signature(**feeds).items()}


def _from_json(value):
    """JSON value -> numpy-ready value; {"b64": ...} is binary data."""
    if isinstance(value, dict) and set(value) == {"b64"}:
        return base64.b64decode(value["b64"])
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _to_json(array, name=""):
    """numpy -> JSON value as TF Serving writes it: floats as the shortest
    decimal, strings as text, and base64 under "b64" for outputs whose name
    ends in `_bytes`."""
    if array.dtype == object or array.dtype.kind == "S":
        if name.endswith("_bytes"):
            flat = [{"b64": base64.b64encode(b).decode()} for b in array.ravel()]
        else:
            flat = [b.decode("utf-8", "replace") for b in array.ravel()]
        return np.array(flat, dtype=object).reshape(array.shape).tolist()
    if array.dtype == np.float32:
        # str() of a float32 is the shortest decimal that reads back as it.
        flat = [float(str(v)) for v in array.ravel()]
        return np.array(flat, dtype=object).reshape(array.shape).tolist()
    return array.tolist()


def rest_predict(loaded, body, signature_name=None):
    """Answer a TF Serving REST `:predict` body (dict or JSON text) from a
    loaded SavedModel, as the server would.

    Row format: {"instances": [{input: value, ...}, ...]} (or bare values
    for a one-input signature) -> {"predictions": [{output: value}, ...]}.
    Columnar: {"inputs": {input: value, ...}} -> {"outputs": {output: value}}.
    A `signature_name` key in the body selects the signature."""
    if isinstance(body, (str, bytes)):
        body = json.loads(body)
    signature = _signature(loaded, body.get("signature_name", signature_name))
    names = list(_input_specs(signature))
    if ("instances" in body) == ("inputs" in body):
        raise UserError('a predict body needs exactly one of "instances" and "inputs"')
    if "instances" in body:
        rows = body["instances"]
        if not rows:
            raise UserError('"instances" is empty')
        if isinstance(rows[0], dict):
            arrays = {k: [_from_json(r[k]) for r in rows] for k in rows[0]}
        elif len(names) == 1:
            arrays = {names[0]: [_from_json(r) for r in rows]}
        else:
            raise UserError(f"instances must be objects naming the inputs {names}")
        outputs = _run(signature, arrays)
        sizes = {len(v) for v in outputs.values()}
        if len(sizes) != 1:
            raise UserError("outputs differ in batch size; use the columnar "
                            '"inputs" format')
        columns = {k: _to_json(v, k) for k, v in outputs.items()}
        if len(columns) == 1:
            return {"predictions": next(iter(columns.values()))}
        return {"predictions": [{k: columns[k][i] for k in columns}
                                for i in range(sizes.pop())]}
    inputs = body["inputs"]
    if not isinstance(inputs, dict):
        if len(names) != 1:
            raise UserError(f"inputs must be an object naming the inputs {names}")
        inputs = {names[0]: inputs}
    outputs = _run(signature, {k: _from_json(v) for k, v in inputs.items()})
    columns = {k: _to_json(v, k) for k, v in outputs.items()}
    return {"outputs": next(iter(columns.values())) if len(columns) == 1 else columns}


def grpc_predict(loaded, request, version=None):
    """Answer a `PredictRequest` from a loaded SavedModel with the
    `PredictResponse` TF Serving's PredictionService would send (the server
    also names the `version` that answered)."""
    signature = _signature(loaded, request.model_spec.signature_name)
    outputs = _run(signature, {k: tf.make_ndarray(v) for k, v in request.inputs.items()})
    response = predict_pb2.PredictResponse()
    response.model_spec.CopyFrom(request.model_spec)
    response.model_spec.signature_name = (request.model_spec.signature_name
                                          or DEFAULT_SIGNATURE)
    if version is not None:
        response.model_spec.version.value = int(version)
    wanted = list(request.output_filter) or list(outputs)
    for key in wanted:
        response.outputs[key].CopyFrom(tf.make_tensor_proto(outputs[key]))
    return response
