"""The Lite API of the trtinfer engine, for numpy arrays.

Why ctypes rather than a C extension: the C API (``trt/lite.h``) is small and
takes plain pointers, so a ctypes mirror of it is short; and ctypes needs no
compiler, no Python headers and no ABI match at install time: the module is
installed as plain sources next to the engine's shared library, works with any
Python 3 that has numpy, and the same files run against a build tree.

The shared library ``libtrtlite.so`` (the engine with its Lite API, built by
meson from ``engine/``) is found, in order:

1. the path in the environment variable ``TRTINFER_LIBRARY``;
2. the library directory the module was installed for (``_config.LIBDIR``);
3. the system's library search path (``ctypes.util.find_library``).

Errors of the engine are raised as :class:`TrtError` with the engine's message
(``trt_last_error``); mistakes in the arrays given (shape, missing input) are
raised as ``ValueError`` before anything runs.
"""
import ctypes
import ctypes.util
import os

import numpy as np

__all__ = ["Engine", "TrtError", "load_library"]

# ---- the C declarations (keep in step with engine/include/trt/lite.h) --------

_MAX_DIMS = 8

_STATUS_NAMES = ["ok", "invalid argument", "parse error", "unsupported", "shape error",
                 "I/O error", "out of memory", "CUDA error", "no device", "internal error"]

_BACKENDS = {"auto": 0, "cpu": 1, "cuda": 2}
_BACKEND_NAMES = {value: name for name, value in _BACKENDS.items()}
_PRECISIONS = {"fp32": 0, "fp16": 1, "int8": 2}
_FORMATS = {"auto": 0, "onnx": 1, "caffe": 2, "plan": 3}
_SEVERITIES = {"error": 0, "warning": 1, "info": 2, "verbose": 3}
SEVERITY_NAMES = {value: name for name, value in _SEVERITIES.items()}

# trt_data_type_t, in its order.
_DTYPES = [np.float32, np.float16, np.float64, np.int8, np.uint8, np.int32, np.int64, np.bool_]


class _Dims(ctypes.Structure):
    _fields_ = [("nb_dims", ctypes.c_int32), ("d", ctypes.c_int64 * _MAX_DIMS)]

    def shape(self):
        return tuple(int(self.d[i]) for i in range(self.nb_dims))


_LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
_PROFILER_FN = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_float, ctypes.c_void_p)
_NEXT_BATCH_FN = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_int,
                                  ctypes.POINTER(ctypes.c_void_p))


class _Calibrator(ctypes.Structure):
    _fields_ = [("batch_size", ctypes.c_int), ("next_batch", _NEXT_BATCH_FN),
                ("user_data", ctypes.c_void_p), ("cache_path", ctypes.c_char_p)]


class _Options(ctypes.Structure):
    _fields_ = [
        ("format", ctypes.c_int),
        ("input_names", ctypes.POINTER(ctypes.c_char_p)),
        ("nb_input_names", ctypes.c_int),
        ("output_names", ctypes.POINTER(ctypes.c_char_p)),
        ("nb_output_names", ctypes.c_int),
        ("input_shapes", ctypes.c_char_p),
        ("max_batch", ctypes.c_int),
        ("precision", ctypes.c_int),
        ("workspace", ctypes.c_size_t),
        ("device", ctypes.c_int),
        ("backend", ctypes.c_int),
        ("cpu_threads", ctypes.c_int),
        ("seed", ctypes.c_uint64),
        ("engine_cache", ctypes.c_char_p),
        ("logger", _LOG_FN),
        ("logger_data", ctypes.c_void_p),
        ("log_severity", ctypes.c_int),
        ("profiler", _PROFILER_FN),
        ("profiler_data", ctypes.c_void_p),
        ("calibrator", ctypes.POINTER(_Calibrator)),
        ("plugin_libraries", ctypes.POINTER(ctypes.c_char_p)),
        ("nb_plugin_libraries", ctypes.c_int),
    ]


class TrtError(RuntimeError):
    """A failure of the engine: ``status`` is its name ("invalid argument"),
    the message the engine's own."""

    def __init__(self, status, message):
        self.status = _STATUS_NAMES[status] if 0 <= status < len(_STATUS_NAMES) else str(status)
        super().__init__(message)


_library = None


def _library_candidates():
    explicit = os.environ.get("TRTINFER_LIBRARY")
    if explicit:
        return [explicit]
    candidates = []
    try:
        from . import _config
        candidates.append(os.path.join(_config.LIBDIR, "libtrtlite.so"))
    except ImportError:
        pass
    found = ctypes.util.find_library("trtlite")
    if found:
        candidates.append(found)
    return candidates


def load_library():
    """The engine's Lite library (loaded once); OSError naming where it looked."""
    global _library
    if _library is not None:
        return _library
    tried = []
    for path in _library_candidates():
        try:
            library = ctypes.CDLL(path)
            break
        except OSError as error:
            tried.append(f"{path} ({error})")
    else:
        raise OSError("trtinfer: libtrtlite.so not found; set TRTINFER_LIBRARY to its path"
                      + (": tried " + "; ".join(tried) if tried else ""))
    _declare(library)
    if library.trt_lite_options_size() != ctypes.sizeof(_Options):
        raise OSError(f"trtinfer: {path} has another trt_lite_options_t "
                      f"({library.trt_lite_options_size()} bytes, this module "
                      f"{ctypes.sizeof(_Options)}): module and library are of different versions")
    _library = library
    return library


def _declare(lib):
    handle = ctypes.c_void_p
    status = ctypes.c_int
    pointers = ctypes.POINTER(ctypes.c_void_p)
    signatures = {
        "trt_last_error": (ctypes.c_char_p, []),
        "trt_lite_options_size": (ctypes.c_size_t, []),
        "trt_lite_options_init": (None, [ctypes.POINTER(_Options)]),
        "trt_lite_create": (status, [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_Options),
                                     ctypes.POINTER(handle)]),
        "trt_lite_destroy": (None, [handle]),
        "trt_lite_loaded_from_plan": (ctypes.c_bool, [handle]),
        "trt_lite_backend": (ctypes.c_int, [handle]),
        "trt_lite_max_batch": (ctypes.c_int, [handle]),
        "trt_lite_num_inputs": (ctypes.c_int, [handle]),
        "trt_lite_num_outputs": (ctypes.c_int, [handle]),
        "trt_lite_input_name": (ctypes.c_char_p, [handle, ctypes.c_int]),
        "trt_lite_output_name": (ctypes.c_char_p, [handle, ctypes.c_int]),
        "trt_lite_input_type": (ctypes.c_int, [handle, ctypes.c_int]),
        "trt_lite_output_type": (ctypes.c_int, [handle, ctypes.c_int]),
        "trt_lite_input_dims": (_Dims, [handle, ctypes.c_int, ctypes.c_int]),
        "trt_lite_output_dims": (_Dims, [handle, ctypes.c_int, ctypes.c_int]),
        "trt_lite_input_has_batch": (ctypes.c_bool, [handle, ctypes.c_int]),
        "trt_lite_infer": (status, [handle, ctypes.c_int, pointers, pointers]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


def _check(lib, status):
    if status != 0:
        raise TrtError(status, lib.trt_last_error().decode(errors="replace"))


def _names_array(names):
    encoded = [name.encode() for name in names]
    return (ctypes.c_char_p * max(len(encoded), 1))(*encoded), len(encoded)


def _shapes_text(shapes):
    if shapes is None or isinstance(shapes, str):
        return shapes
    return ",".join(f"{name}:" + "x".join(str(int(d)) for d in dims)
                    for name, dims in shapes.items())


def _choice(table, value, what):
    try:
        return table[value.lower() if isinstance(value, str) else value]
    except KeyError:
        raise ValueError(f"{what} {value!r}: expected one of {', '.join(table)}") from None


class Engine:
    """An engine built (or loaded) from a model, ready to run numpy arrays.

    model: an ONNX file, a Caffe deploy prototxt or a plan file (by its magic).
    weights: the Caffe caffemodel (None: deterministic random weights, ``seed``).
    inputs: input names; they fix the order of ``infer``'s positional arrays
        (None: the model's inputs in its order).
    outputs: output names; they replace the model's outputs (any tensor may be
        one) and fix the order of the returned list (None: the model's outputs).
    shapes: dims of dynamic inputs, {name: (1, 3, 640, 640)} or "x:1x3x640x640";
        a first dimension of -1 keeps the batch dynamic.
    max_batch: the most items one call runs (models with a dynamic first
        dimension; Caffe inputs always have one).
    precision: "fp32" or "fp16" (CUDA); "int8" is refused (not built yet).
    workspace: bytes of scratch a layer may use (0: the engine's default).
    device: the CUDA device ordinal. backend: "auto", "cpu" or "cuda".
    threads: CPU backend threads (0: the cores this process may use).
    engine_cache: a plan file loaded when it holds this model's engine for
        these options, else written after the build.
    logger: a callable (severity, message), severity one of "error",
        "warning", "info", "verbose"; called for the build's messages and
        every failure. log_severity: the most verbose severity passed on.
    profiler: a callable (layer_name, milliseconds) called after each layer
        of every ``infer``.
    calibrator: for INT8 (refused for now); an object whose ``cache_path``
        and ``batch_size`` attributes are passed on when present.
    plugins: plugin library paths, loaded (trt_plugin_load_library) before
        the model is parsed; they stay loaded for the life of the process.
    """

    def __init__(self, model, weights=None, *, inputs=None, outputs=None, shapes=None,
                 max_batch=1, precision="fp32", workspace=0, device=0, backend="auto",
                 threads=0, seed=1, engine_cache=None, logger=None, log_severity="warning",
                 profiler=None, calibrator=None, plugins=None, format="auto"):
        self._lib = load_library()
        self._handle = ctypes.c_void_p()
        options = _Options()
        self._lib.trt_lite_options_init(ctypes.byref(options))
        options.format = _choice(_FORMATS, format, "format")
        keep = []  # what the C side points into while creating
        if inputs is not None:
            array, count = _names_array(inputs)
            keep.append(array)
            options.input_names, options.nb_input_names = array, count
        if outputs is not None:
            array, count = _names_array(outputs)
            keep.append(array)
            options.output_names, options.nb_output_names = array, count
        shapes_text = _shapes_text(shapes)
        if shapes_text:
            options.input_shapes = shapes_text.encode()
        options.max_batch = int(max_batch)
        options.precision = _choice(_PRECISIONS, precision, "precision")
        options.workspace = int(workspace)
        options.device = int(device)
        options.backend = _choice(_BACKENDS, backend, "backend")
        options.cpu_threads = int(threads)
        options.seed = int(seed)
        if engine_cache is not None:
            options.engine_cache = os.fsencode(engine_cache)
        # The callbacks live as long as the engine (the C side keeps them).
        self._logger = self._profiler = None
        if logger is not None:
            def log(severity, message, _):
                logger(SEVERITY_NAMES.get(severity, str(severity)),
                       message.decode(errors="replace"))
            self._logger = _LOG_FN(log)
            options.logger = self._logger
            options.log_severity = _choice(_SEVERITIES, log_severity, "log_severity")
        if profiler is not None:
            def profile(layer, milliseconds, _):
                profiler(layer.decode(errors="replace"), float(milliseconds))
            self._profiler = _PROFILER_FN(profile)
            options.profiler = self._profiler
        if calibrator is not None:
            cache_path = getattr(calibrator, "cache_path", None)
            self._calibrator = _Calibrator(
                batch_size=int(getattr(calibrator, "batch_size", 1)),
                cache_path=os.fsencode(cache_path) if cache_path else None)
            options.calibrator = ctypes.pointer(self._calibrator)
        if plugins:
            array, count = _names_array([os.fsdecode(p) for p in plugins])
            keep.append(array)
            options.plugin_libraries, options.nb_plugin_libraries = array, count
        weights_path = os.fsencode(weights) if weights is not None else None
        _check(self._lib, self._lib.trt_lite_create(os.fsencode(model), weights_path,
                                                    ctypes.byref(options),
                                                    ctypes.byref(self._handle)))
        lib, handle = self._lib, self._handle
        self.input_names = [lib.trt_lite_input_name(handle, i).decode()
                            for i in range(lib.trt_lite_num_inputs(handle))]
        self.output_names = [lib.trt_lite_output_name(handle, i).decode()
                             for i in range(lib.trt_lite_num_outputs(handle))]

    # ---- description ------------------------------------------------------

    @property
    def max_batch(self):
        """The most items one ``infer`` call runs."""
        return self._lib.trt_lite_max_batch(self._live())

    @property
    def backend(self):
        """"cpu" or "cuda": the backend the engine runs on."""
        return _BACKEND_NAMES[self._lib.trt_lite_backend(self._live())]

    @property
    def loaded_from_plan(self):
        """Whether the engine came from a plan or the engine cache."""
        return bool(self._lib.trt_lite_loaded_from_plan(self._live()))

    def input_shape(self, name, batch=1):
        """The dims of input ``name`` at ``batch`` items."""
        return self._lib.trt_lite_input_dims(self._live(), self._index(name, True),
                                             int(batch)).shape()

    def output_shape(self, name, batch=1):
        """The dims of output ``name`` at ``batch`` items."""
        return self._lib.trt_lite_output_dims(self._live(), self._index(name, False),
                                              int(batch)).shape()

    def input_dtype(self, name):
        return np.dtype(_DTYPES[self._lib.trt_lite_input_type(self._live(),
                                                              self._index(name, True))])

    def output_dtype(self, name):
        return np.dtype(_DTYPES[self._lib.trt_lite_output_type(self._live(),
                                                               self._index(name, False))])

    # ---- running -----------------------------------------------------------

    def infer(self, *arrays):
        """Runs the engine on numpy arrays.

        ``infer(a, b)``: one array per input in ``input_names`` order; returns
        the outputs as a list in ``output_names`` order.
        ``infer({"image": a})``: arrays by input name; returns {name: array}.
        The batch is the arrays' first dimension (inputs that have one); arrays
        are converted to the input's dtype and made contiguous when they are not.
        """
        handle = self._live()
        by_name = len(arrays) == 1 and isinstance(arrays[0], dict)
        if by_name:
            given = dict(arrays[0])
            unknown = sorted(set(given) - set(self.input_names))
            missing = [name for name in self.input_names if name not in given]
            if unknown or missing:
                raise ValueError(f"infer: inputs are {self.input_names}"
                                 + (f"; unknown: {unknown}" if unknown else "")
                                 + (f"; missing: {missing}" if missing else ""))
            arrays = [given[name] for name in self.input_names]
        elif len(arrays) != len(self.input_names):
            raise ValueError(f"infer: {len(arrays)} arrays for {len(self.input_names)} inputs "
                             f"{self.input_names}")
        batch = 1
        for i, array in enumerate(arrays):
            if self._lib.trt_lite_input_has_batch(handle, i) and np.ndim(array) > 0:
                batch = int(np.shape(array)[0])
                break
        if not 1 <= batch <= self.max_batch:
            raise ValueError(f"infer: batch {batch} is outside 1..{self.max_batch} (the "
                             "engine's maximum batch; build with max_batch for more)")
        inputs = []
        for i, (name, array) in enumerate(zip(self.input_names, arrays)):
            dtype = _DTYPES[self._lib.trt_lite_input_type(handle, i)]
            expected = self._lib.trt_lite_input_dims(handle, i, batch).shape()
            converted = np.ascontiguousarray(array, dtype=dtype)
            if converted.shape != expected:
                raise ValueError(f"infer: input '{name}' has shape {converted.shape}, the engine "
                                 f"takes {expected} at batch {batch}")
            inputs.append(converted)
        outputs = []
        for o in range(len(self.output_names)):
            dtype = _DTYPES[self._lib.trt_lite_output_type(handle, o)]
            outputs.append(np.empty(self._lib.trt_lite_output_dims(handle, o, batch).shape(),
                                    dtype=dtype))
        input_pointers = (ctypes.c_void_p * max(len(inputs), 1))(
            *[a.ctypes.data for a in inputs])
        output_pointers = (ctypes.c_void_p * max(len(outputs), 1))(
            *[a.ctypes.data for a in outputs])
        _check(self._lib, self._lib.trt_lite_infer(handle, batch, input_pointers,
                                                   output_pointers))
        if by_name:
            return dict(zip(self.output_names, outputs))
        return outputs

    __call__ = infer

    # ---- life --------------------------------------------------------------

    def close(self):
        """Frees the engine now (also done when the object is collected)."""
        if getattr(self, "_handle", None) and self._handle.value:
            self._lib.trt_lite_destroy(self._handle)
            self._handle = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def __repr__(self):
        if not (getattr(self, "_handle", None) and self._handle.value):
            return "<trtinfer.lite.Engine (closed)>"
        return (f"<trtinfer.lite.Engine {self.backend} max_batch={self.max_batch} "
                f"inputs={self.input_names} outputs={self.output_names}>")

    def _live(self):
        if not (getattr(self, "_handle", None) and self._handle.value):
            raise ValueError("the engine is closed")
        return self._handle

    def _index(self, name, is_input):
        names = self.input_names if is_input else self.output_names
        if name not in names:
            raise KeyError(f"no {'input' if is_input else 'output'} named {name!r} "
                           f"(they are {names})")
        return names.index(name)
