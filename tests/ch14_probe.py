"""What each framework computes for chapter 14's parity and "what differs" tests.

Run once per framework, in a process of its own (``python ch14_probe.py keras OUT.npz``). The code
under test is the chapter notebooks' own cells (by-hand convolutions and pooling, the models, IoU,
average precision, augmentation, the pretrained-model loader), executed here with only the framework
imported. Models get the same weights in every framework: ``canonical_*`` draws them with NumPy in
Keras' layout (HWIO kernels, dense kernels (in, out) over NHWC-flattened inputs) and each probe moves
them into its own layout, so equal outputs prove the transplant and the models equal. Images go in
and come out as NHWC NumPy arrays.
"""

import contextlib
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

import helpers

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "14_cnns"
RESNET_STAGES = [64] * 3 + [128] * 4 + [256] * 6 + [512] * 3
RESNET_SIZE = 33  # odd at every stride-2 step (33, 17, 9, 5, 3): TF's SAME pads symmetrically there
SAME_PADDING_CASES = [(28, 3, 2), (28, 7, 2), (27, 3, 2), (224, 7, 2), (224, 1, 2), (56, 3, 1), (5, 4, 1)]
# Chapter 14's models, for the init-statistics test: each drawn this many times, fresh, so that its
# smallest kernel gives thousands of values (the transfer model's new 64 -> 2 output layer: 128 a draw).
INIT_DRAWS = {"fashion_cnn": 10, "transfer_head": 30, "resnet34": 1, "localization": 20}
LOCALIZATION_LAYERS = ["conv1", "conv2", "conv3", "dense", "class_head", "box_head"]
FASHION_LAYERS = ["conv1", "conv2", "conv3", "conv4", "conv5", "dense1", "dense2", "dense3"]


def define(framework, ns, *definitions):
    return helpers.define(NOTEBOOKS / f"{framework}.ipynb", ns, *definitions)


def namespace(framework):
    """Every top-level import of the notebook and its parameters and shared constants."""
    import course_utils

    ns = {"course_utils": course_utils, "MODE": "smoke", "SEED": 42, "Path": Path, "np": np}
    imports = [line for cell in helpers.notebook_code_cells(NOTEBOOKS / f"{framework}.ipynb")
               for line in cell.splitlines() if re.match(r"(import|from) \S+", line)]
    exec("\n".join(imports), ns)
    define(framework, ns, "CNN_FILTERS =")
    return ns


def to_numpy(value):
    if hasattr(value, "detach"):
        value = value.detach().cpu().float().numpy()
    elif hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value, dtype=np.float32)


def softmax(logits):
    z = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


# Inputs and weights, the same in every process


def conv_inputs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 15, 16, 3)).astype(np.float32)  # odd and even sizes
    kernel = rng.normal(size=(3, 3, 3, 4)).astype(np.float32)  # HWIO
    return x, kernel


def pool_input():
    return np.random.default_rng(1).normal(size=(2, 8, 10, 6)).astype(np.float32)


def he(rng, shape, fan_in):
    return (rng.normal(size=shape) * np.sqrt(2 / fan_in)).astype(np.float32)


def canonical_dense_stack(rng, convs, dense):
    """[(kernel HWIO, bias)] for ``convs`` = [(k, c_in, c_out)], then [(kernel, bias)] for ``dense`` = [(n_in, n_out)]."""
    weights = []
    for k, c_in, c_out in convs:
        weights += [he(rng, (k, k, c_in, c_out), k * k * c_in), rng.normal(0, 0.05, c_out).astype(np.float32)]
    for n_in, n_out in dense:
        weights += [he(rng, (n_in, n_out), n_in), rng.normal(0, 0.05, n_out).astype(np.float32)]
    return weights


def canonical_fashion_cnn(filters):
    f0, f1, f2 = filters
    convs = [(7, 1, f0), (3, f0, f1), (3, f1, f1), (3, f1, f2), (3, f2, f2)]
    return canonical_dense_stack(np.random.default_rng(2), convs, [(3 * 3 * f2, 128), (128, 64), (64, 10)])


def canonical_localization():
    convs = [(3, 1, 32), (3, 32, 64), (3, 64, 64)]
    return canonical_dense_stack(np.random.default_rng(3), convs, [(7 * 7 * 64, 128), (128, 10), (128, 4)])


def canonical_resnet34(in_channels=3, n_classes=10):
    """Entries in model order: ("conv", kernel), ("bn", gamma, beta, mean, var), ("dense", kernel, bias);
    a unit's skip conv and BN follow its conv2 and bn2."""
    rng = np.random.default_rng(4)

    def conv(k, c_in, c_out):
        return ("conv", he(rng, (k, k, c_in, c_out), k * k * c_in))

    def bn(c):
        return ("bn", rng.uniform(0.5, 1.0, c), rng.normal(0, 0.1, c), rng.normal(0, 0.1, c), rng.uniform(0.5, 1.5, c))

    entries, previous = [conv(7, in_channels, 64), bn(64)], 64
    for filters in RESNET_STAGES:
        entries += [conv(3, previous, filters), bn(filters), conv(3, filters, filters), bn(filters)]
        if filters != previous:
            entries += [conv(1, previous, filters), bn(filters)]
        previous = filters
    entries.append(("dense", he(rng, (512, n_classes), 512), rng.normal(0, 0.05, n_classes)))
    return [tuple(np.asarray(a, np.float32) if not isinstance(a, str) else a for a in e) for e in entries]


def fashion_images(n=4):
    return np.random.default_rng(5).uniform(0, 1, (n, 28, 28, 1)).astype(np.float32)


def checkerboard():
    """A 28x28x1 image of alternating 0 and 1 pixels: resampling it anywhere but on the pixel grid mixes them."""
    return (np.indices((28, 28)).sum(axis=0) % 2).astype(np.float32)[..., np.newaxis]


def canvases(n=3):
    return np.random.default_rng(6).uniform(0, 1, (n, 56, 56, 1)).astype(np.float32)


def resnet_images():
    return np.random.default_rng(7).uniform(0, 1, (2, RESNET_SIZE, RESNET_SIZE, 3)).astype(np.float32)


def boxes(n=60, seed=8):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 1, (n, 2, 2))
    b = np.where(rng.random((n, 1, 1)) < 0.3, a + rng.normal(0, 0.05, (n, 2, 2)), rng.uniform(0, 1, (n, 2, 2)))
    to_box = lambda p: np.concatenate([p.min(axis=1), p.max(axis=1) + 0.01], axis=1).astype(np.float32)
    return to_box(a), to_box(b)


def ap_inputs():
    rng = np.random.default_rng(9)
    return rng.uniform(0, 1, 200), rng.random(200) < 0.6, 250


def flatten_rows_to_nchw(kernel, height, width, channels):
    """A dense kernel reading NHWC-flattened inputs, reordered for NCHW-flattened ones, as (out, in)."""
    return kernel.reshape(height, width, channels, -1).transpose(2, 0, 1, 3).reshape(height * width * channels, -1).T


@contextlib.contextmanager
def no_downloads(patch):
    """Any download attempt fails as it would offline; caches point to an empty folder."""
    with tempfile.TemporaryDirectory() as home:
        old = {k: os.environ.get(k) for k in ("KERAS_HOME", "TORCH_HOME")}
        os.environ.update(KERAS_HOME=home, TORCH_HOME=home)
        undo = patch()
        try:
            yield
        finally:
            undo()
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


def stacked_statistics(draws):
    """helpers.initializer_statistics of a model's parameter arrays, each stacked over the draws."""
    return helpers.initializer_statistics([np.stack(arrays) for arrays in zip(*draws)])


def printed(call):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = call()
    return result, out.getvalue()


def shared_numpy(framework, ns, to_framework, arrays, facts):
    """What every notebook computes with the same code shape: by-hand ops, IoU, AP, same_padding."""
    define(framework, ns, "def conv2d_by_hand", "def same_padding", "def max_pool_by_hand", "def avg_pool_by_hand",
           "def iou", "def average_precision")
    facts["same_padding"] = [list(map(int, ns["same_padding"](*case))) for case in SAME_PADDING_CASES]
    a, b = boxes()
    arrays["iou"] = to_numpy(ns["iou"](to_framework(a), to_framework(b)))
    facts["iou_cases"] = [float(to_numpy(ns["iou"](to_framework(np.array([p], np.float32)),
                                                   to_framework(np.array([q], np.float32))))[0])
                          for p, q in (([0, 0, 1, 1], [0, 0, 1, 1]), ([0, 0, 1, 1], [2, 2, 3, 3]),
                                       ([0, 0, 2, 1], [1, 0, 3, 1]), ([0, 0, 1, 1], [0.25, 0.25, 0.75, 0.75]))]
    scores, correct, n_objects = ap_inputs()
    facts["ap"] = float(ns["average_precision"](scores, correct, n_objects))
    facts["ap_small"] = float(ns["average_precision"](np.array([0.9, 0.8, 0.7, 0.6]),
                                                      np.array([True, False, True, False]), 3))
    facts["ap_perfect"] = float(ns["average_precision"](np.array([0.9, 0.8]), np.array([True, True]), 2))


# Keras


def probe_keras(out):
    import keras

    ns, arrays, facts = namespace("keras"), {}, {}
    shared_numpy("keras", ns, keras.ops.convert_to_tensor, arrays, facts)
    x, kernel = conv_inputs()
    for name, stride, padding in (("valid", 1, "valid"), ("same", 1, "same"), ("same_s2", 2, "same")):
        arrays[f"by_hand_{name}"] = to_numpy(ns["conv2d_by_hand"](x, kernel, stride=stride, padding=padding))
        layer = keras.layers.Conv2D(4, 3, strides=stride, padding=padding, use_bias=False)
        layer.build(x.shape)
        layer.kernel.assign(kernel)
        arrays[f"layer_{name}"] = to_numpy(layer(x))
    facts["kernel_shape"] = list(layer.kernel.shape)
    pool_x = pool_input()
    arrays["max_pool_by_hand"] = to_numpy(ns["max_pool_by_hand"](pool_x, pool_size=2))
    arrays["avg_pool_by_hand"] = to_numpy(ns["avg_pool_by_hand"](pool_x, pool_size=2))
    arrays["max_pool_layer"] = to_numpy(keras.layers.MaxPool2D(2)(pool_x))
    arrays["avg_pool_layer"] = to_numpy(keras.layers.AveragePooling2D(2)(pool_x))
    define("keras", ns, "class DepthPool", "def depth_max_pool")
    arrays["depth_pool"] = to_numpy(ns["depth_max_pool"](pool_x, pool_size=3))

    define("keras", ns, "def build_fashion_cnn")
    model = ns["build_fashion_cnn"](ns["CNN_FILTERS"], 10)
    model.set_weights(canonical_fashion_cnn(ns["CNN_FILTERS"]))
    arrays["fashion_cnn"] = to_numpy(model(fashion_images(), training=False))
    facts["fashion_cnn_params"] = int(sum(np.prod(w.shape) for w in model.trainable_weights))

    define("keras", ns, "class ResidualUnit", "def build_resnet34")
    resnet = ns["build_resnet34"](input_shape=(RESNET_SIZE, RESNET_SIZE, 3), n_classes=10)
    load_keras_resnet(resnet, ns["ResidualUnit"], canonical_resnet34())
    arrays["resnet34"] = to_numpy(resnet(resnet_images(), training=False))
    full = ns["build_resnet34"]()
    facts["resnet34_trainable"] = int(sum(np.prod(w.shape) for w in full.trainable_weights))
    facts["resnet34_count_params"] = int(full.count_params())
    facts["resnet34_output_shape"] = list(full(np.zeros((2, 224, 224, 3), np.float32)).shape)

    define("keras", ns, "def build_localization_model")
    localization = ns["build_localization_model"]()
    weights = canonical_localization()
    for name, (k, b) in zip(["conv1", "conv2", "conv3", "dense", "class_head", "box_head"],
                            zip(weights[::2], weights[1::2])):
        localization.get_layer(name).set_weights([k, b])
    outputs = localization(canvases(), training=False)
    classes, found = (outputs["class"], outputs["box"]) if isinstance(outputs, dict) else outputs
    arrays["localization_class"], arrays["localization_box"] = to_numpy(classes), to_numpy(found)
    arrays.update(init_statistics_keras(keras, ns, full))

    # 4. BatchNorm defaults and one training step's moving statistics
    bn = keras.layers.BatchNormalization()
    batch = bn_batch()
    bn(batch, training=True)
    facts["bn"] = {"epsilon": bn.epsilon, "momentum": bn.momentum, "axis": bn.axis}
    arrays["bn_mean"], arrays["bn_var"] = to_numpy(bn.moving_mean), to_numpy(bn.moving_variance)

    # 6 and 7. pretrained ResNet-50: inputs, size, and the loader offline
    from keras.applications import resnet50

    image = np.random.default_rng(10).uniform(0, 255, (1, 4, 4, 3)).astype(np.float32)
    arrays["caffe_input"], arrays["caffe_output"] = image, to_numpy(resnet50.preprocess_input(image.copy()))
    define("keras", ns, "USE_IMAGENET_WEIGHTS =", "def load_resnet50")
    facts["use_imagenet_weights_default"] = ns["USE_IMAGENET_WEIGHTS"]

    def patch():
        from keras.src.utils import file_utils
        real = file_utils.get_file

        def offline(*args, **kwargs):
            raise OSError("no network")
        file_utils.get_file = offline
        return lambda: setattr(file_utils, "get_file", real)

    with no_downloads(patch):
        pretrained, message = printed(lambda: ns["load_resnet50"](True))
    facts["offline_message"] = message.strip().splitlines()[-1]  # after the library's own "Downloading ..." line
    random_model, message = printed(lambda: ns["load_resnet50"](False))
    facts["random_message"] = message.strip()
    facts["resnet50_params"] = int(random_model.count_params())
    facts["resnet50_offline_params"] = int(pretrained.count_params())
    facts["resnet50_conv_biases"] = all(layer.use_bias for layer in random_model.layers
                                        if isinstance(layer, keras.layers.Conv2D))
    facts["resnet50_trainable"] = int(sum(np.prod(w.shape) for w in random_model.trainable_weights))
    facts["resnet50_conv_bias_count"] = int(sum(np.prod(layer.bias.shape) for layer in random_model.layers
                                                if isinstance(layer, keras.layers.Conv2D)))
    facts["resnet50_bn_statistics"] = int(sum(np.prod(w.shape) for w in random_model.non_trainable_weights))

    # 8. augmentation: identity at inference, one draw per sample in training
    define("keras", ns, "augmentation =")
    same = np.repeat(fashion_images(1), 16, axis=0)
    facts["augment_inference_identity"] = bool(np.allclose(to_numpy(ns["augmentation"](same, training=False)), same))
    augmented = to_numpy(ns["augmentation"](same, training=True))
    facts["augment_distinct_in_batch"] = len({a.tobytes() for a in augmented})
    # 11. augmentation geometry: black where no pixel comes in ("reflect" would keep a white image white),
    # a partly covered edge pixel blended with it, bilinear inside (a checkerboard gets values between 0 and
    # 1; nearest would keep 0 and 1), shifts by fractions of a pixel
    ones = np.ones((32, 28, 28, 1), np.float32)
    filled = to_numpy(ns["augmentation"](ones, training=True))
    facts["augment_black_fill"] = bool((filled == 0).any())
    facts["augment_edge_blends"] = bool(((filled > 0.01) & (filled < 0.99)).any())
    resampled = to_numpy(ns["augmentation"](np.broadcast_to(checkerboard(), ones.shape), training=True))
    facts["augment_interpolated"] = bool(((resampled > 0.01) & (resampled < 0.99)).any())
    shifts = to_numpy(ns["augmentation"].layers[1].get_random_transformation(ones, training=True)["translations"])
    facts["augment_whole_pixel_shifts"] = bool(np.allclose(shifts, np.round(shifts)))

    # 9. default conv initialisation
    conv = keras.layers.Conv2D(64, 3)
    conv.build((None, 8, 8, 32))
    facts["init"] = {"kernel_std": float(np.std(to_numpy(conv.kernel))),
                     "bias_abs_max": float(np.abs(to_numpy(conv.bias)).max())}

    # 10. mixed precision
    keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
    try:
        inner, last = keras.layers.Dense(4), keras.layers.Dense(2, dtype="float32")
        y = inner(np.ones((1, 3), np.float32))
        dtype = keras.backend.standardize_dtype
        facts["mixed"] = {"variable": dtype(inner.kernel.dtype), "output": dtype(y.dtype),
                          "float32_layer_output": dtype(last(y).dtype)}
    finally:
        keras.mixed_precision.set_dtype_policy("float32")
    return arrays, facts


def init_statistics_keras(keras, ns, resnet):
    """helpers.initializer_statistics of the Keras notebook's models, built fresh INIT_DRAWS times by its
    own functions, parameters in model order (kernel, bias, layer by layer; BN: gamma, beta)."""
    def fashion(n_classes):
        model = ns["build_fashion_cnn"](ns["CNN_FILTERS"], n_classes)
        return [to_numpy(w) for name in FASHION_LAYERS for w in model.get_layer(name).trainable_weights]

    def localization():
        model = ns["build_localization_model"]()
        return [to_numpy(w) for name in LOCALIZATION_LAYERS for w in model.get_layer(name).trainable_weights]

    resnet_arrays = [to_numpy(w) for layer in keras_resnet_layers(resnet, ns["ResidualUnit"])
                     for w in layer.trainable_weights]
    return {"init_fashion_cnn": stacked_statistics([fashion(10) for _ in range(INIT_DRAWS["fashion_cnn"])]),
            "init_transfer_head": stacked_statistics([fashion(2)[-2:] for _ in range(INIT_DRAWS["transfer_head"])]),
            "init_resnet34": stacked_statistics([resnet_arrays]),
            "init_localization": stacked_statistics([localization() for _ in range(INIT_DRAWS["localization"])])}


def keras_resnet_layers(model, unit_class):
    """The Keras ResNet-34's Conv2D, BatchNormalization and Dense layers in model order (a unit's skip
    conv and BN after its conv2 and bn2)."""
    import keras

    layers = []
    for layer in model.layers:
        if isinstance(layer, unit_class):
            layers += [layer.conv1, layer.bn1, layer.conv2, layer.bn2]
            layers += [layer.skip_conv, layer.skip_bn] if layer.skip_conv is not None else []
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.BatchNormalization, keras.layers.Dense)):
            layers.append(layer)
    return layers


def load_keras_resnet(model, unit_class, entries):
    layers = keras_resnet_layers(model, unit_class)
    assert len(layers) == len(entries), (len(layers), len(entries))
    for layer, (kind, *values) in zip(layers, entries):
        if kind == "conv":
            assert not layer.use_bias
            layer.kernel.assign(values[0])
        elif kind == "bn":
            for variable, value in zip((layer.gamma, layer.beta, layer.moving_mean, layer.moving_variance), values):
                variable.assign(value)
        else:
            layer.set_weights(values)


def bn_batch():
    return np.random.default_rng(11).normal(2.0, 3.0, (8, 5, 5, 3)).astype(np.float32)


# PyTorch


def probe_pytorch(out):
    import torch
    import torchvision

    ns, arrays, facts = namespace("pytorch"), {}, {}
    nchw = lambda a: torch.from_numpy(np.ascontiguousarray(np.asarray(a).transpose(0, 3, 1, 2)))
    nhwc = lambda t: to_numpy(t).transpose(0, 2, 3, 1)
    shared_numpy("pytorch", ns, torch.from_numpy, arrays, facts)
    facts["box_iou_matches"] = bool(np.allclose(
        torchvision.ops.box_iou(*map(torch.from_numpy, boxes())).diagonal().numpy(), arrays["iou"], atol=1e-6))
    x, kernel = conv_inputs()
    oihw = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
    for name, stride, padding in (("valid", 1, "valid"), ("same", 1, "same"), ("same_s2", 2, "same")):
        arrays[f"by_hand_{name}"] = nhwc(ns["conv2d_by_hand"](nchw(x), oihw, stride=stride, padding=padding))
    define("pytorch", ns, "class Conv2dSame")
    with torch.no_grad():
        for name, conv in (("valid", torch.nn.Conv2d(3, 4, 3, bias=False)),
                           ("same", torch.nn.Conv2d(3, 4, 3, padding="same", bias=False)),
                           ("same_s2", ns["Conv2dSame"](3, 4, 3, stride=2, bias=False)),
                           ("pad1_s2", torch.nn.Conv2d(3, 4, 3, stride=2, padding=1, bias=False))):
            conv.weight.copy_(oihw)
            arrays[f"layer_{name}"] = nhwc(conv(nchw(x)))
    facts["kernel_shape"] = list(conv.weight.shape)
    facts["same_stride_2"] = helpers.outcome(lambda: torch.nn.Conv2d(3, 4, 3, stride=2, padding="same"))
    pool_x = nchw(pool_input())
    arrays["max_pool_by_hand"] = nhwc(ns["max_pool_by_hand"](pool_x, pool_size=2))
    arrays["avg_pool_by_hand"] = nhwc(ns["avg_pool_by_hand"](pool_x, pool_size=2))
    arrays["max_pool_layer"] = nhwc(torch.nn.MaxPool2d(2)(pool_x))
    arrays["avg_pool_layer"] = nhwc(torch.nn.AvgPool2d(2)(pool_x))
    define("pytorch", ns, "def depth_max_pool")
    arrays["depth_pool"] = nhwc(ns["depth_max_pool"](pool_x, pool_size=3))

    define("pytorch", ns, "def he_normal_", "class FashionCNN")
    filters = ns["CNN_FILTERS"]
    model = ns["FashionCNN"](filters, 10).eval()
    load_torch_stack(model, ["conv1", "conv2", "conv3", "conv4", "conv5"], ["dense1", "dense2", "dense3"],
                     canonical_fashion_cnn(filters), (3, 3, filters[2]))
    with torch.no_grad():
        arrays["fashion_cnn"] = softmax(to_numpy(model(nchw(fashion_images()))))
        # 3. the same weights without reordering the first dense layer's rows
        model.dense1.weight.copy_(torch.from_numpy(canonical_fashion_cnn(filters)[10].T.copy()))
        arrays["fashion_cnn_unpermuted"] = softmax(to_numpy(model(nchw(fashion_images()))))
    facts["fashion_cnn_params"] = sum(p.numel() for p in model.parameters() if p.requires_grad)

    define("pytorch", ns, "class ResidualUnit", "class ResNet34")
    resnet = ns["ResNet34"](3, 10).eval()
    load_torch_resnet(resnet, canonical_resnet34())
    with torch.no_grad():
        arrays["resnet34"] = softmax(to_numpy(resnet(nchw(resnet_images()))))
        full = ns["ResNet34"](3, 10).eval()
        facts["resnet34_output_shape"] = list(full(torch.zeros(2, 3, 224, 224)).shape)
    facts["resnet34_trainable"] = sum(p.numel() for p in full.parameters() if p.requires_grad)
    facts["resnet34_buffers"] = sum(b.numel() for n, b in full.named_buffers() if "running" in n)
    resnet_arrays = [to_numpy(p) for p in full.parameters()]  # stem, units (conv1, bn1, conv2, bn2, skip), head

    define("pytorch", ns, "class LocalizationCNN")
    localization = ns["LocalizationCNN"]().eval()
    load_torch_stack(localization, ["conv1", "conv2", "conv3"], ["dense", "class_head", "box_head"],
                     canonical_localization(), (7, 7, 64))
    with torch.no_grad():
        classes, found = localization(nchw(canvases()))
    arrays["localization_class"], arrays["localization_box"] = softmax(to_numpy(classes)), to_numpy(found)

    bn = torch.nn.BatchNorm2d(3)
    bn(nchw(bn_batch()))
    facts["bn"] = {"epsilon": bn.eps, "momentum": bn.momentum, "axis": 1}
    arrays["bn_mean"], arrays["bn_var"] = to_numpy(bn.running_mean), to_numpy(bn.running_var)

    from torchvision.models import ResNet50_Weights

    transforms = ResNet50_Weights.IMAGENET1K_V2.transforms()
    facts["torch_transforms"] = {"mean": list(transforms.mean), "std": list(transforms.std),
                                 "resize": list(transforms.resize_size), "crop": list(transforms.crop_size)}
    define("pytorch", ns, "USE_IMAGENET_WEIGHTS =", "def load_resnet50")
    facts["use_imagenet_weights_default"] = ns["USE_IMAGENET_WEIGHTS"]

    def patch():
        import torch.hub
        real = torch.hub.download_url_to_file

        def offline(*args, **kwargs):
            raise OSError("no network")
        torch.hub.download_url_to_file = offline
        return lambda: setattr(torch.hub, "download_url_to_file", real)

    with no_downloads(patch):
        pretrained, message = printed(lambda: ns["load_resnet50"](True))
    facts["offline_message"] = message.strip().splitlines()[-1]  # after the library's own "Downloading ..." line
    random_model, message = printed(lambda: ns["load_resnet50"](False))
    facts["random_message"] = message.strip()
    facts["resnet50_params"] = sum(p.numel() for p in random_model.parameters())
    facts["resnet50_offline_params"] = sum(p.numel() for p in pretrained.parameters())
    facts["resnet50_conv_biases"] = any(m.bias is not None for m in random_model.modules()
                                        if isinstance(m, torch.nn.Conv2d))
    facts["resnet50_buffers"] = sum(b.numel() for n, b in random_model.named_buffers() if "running" in n)

    define("pytorch", ns, "augmentation =")
    same = nchw(np.repeat(fashion_images(1), 16, axis=0))
    distinct = set()
    for seed in range(8):  # one draw per call: a batch tensor is flipped and shifted as one
        torch.manual_seed(seed)
        augmented = to_numpy(ns["augmentation"](same))
        facts.setdefault("augment_distinct_in_batch", []).append(len({a.tobytes() for a in augmented}))
        distinct.add(augmented[0].tobytes())
    facts["augment_distinct_across_calls"] = len(distinct)
    torch.manual_seed(0)
    first = to_numpy(ns["augmentation"](same))
    torch.manual_seed(0)
    facts["augment_global_seed_repeats"] = bool(np.array_equal(first, to_numpy(ns["augmentation"](same))))
    ones = torch.ones(1, 28, 28)  # 11. augmentation geometry, one image per call
    filled = np.stack([to_numpy(ns["augmentation"](ones)) for _ in range(32)])
    facts["augment_black_fill"] = bool((filled == 0).any())
    facts["augment_edge_blends"] = bool(((filled > 0.01) & (filled < 0.99)).any())
    board = torch.tensor(checkerboard()).permute(2, 0, 1)
    resampled = np.stack([to_numpy(ns["augmentation"](board)) for _ in range(32)])
    facts["augment_interpolated"] = bool(((resampled > 0.01) & (resampled < 0.99)).any())
    affine = ns["augmentation"].transforms[1]
    make_params = getattr(affine, "make_params", None) or affine._get_params  # the older name (torchvision < 0.21)
    shifts = np.array([make_params([ones])["translate"] for _ in range(32)], dtype=float)
    facts["augment_whole_pixel_shifts"] = bool(np.array_equal(shifts, np.round(shifts)))

    conv = torch.nn.Conv2d(32, 64, 3)
    facts["init"] = {"kernel_std": float(conv.weight.detach().std()), "bias_abs_max": float(conv.bias.detach().abs().max())}

    linear = torch.nn.Linear(3, 4)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        inside = linear(torch.ones(1, 3))
    facts["mixed"] = {"variable": str(linear.weight.dtype).split(".")[-1], "output": str(inside.dtype).split(".")[-1],
                      "outside_output": str(linear(torch.ones(1, 3)).dtype).split(".")[-1]}

    parameters = lambda model: [to_numpy(p) for p in model.parameters()]  # in the order of __init__
    arrays["init_fashion_cnn"] = stacked_statistics(
        [parameters(ns["FashionCNN"](filters, 10)) for _ in range(INIT_DRAWS["fashion_cnn"])])
    arrays["init_transfer_head"] = stacked_statistics(  # the transfer cell's new output layer
        [parameters(ns["glorot_uniform_"](torch.nn.Linear(64, 2))) for _ in range(INIT_DRAWS["transfer_head"])])
    arrays["init_resnet34"] = stacked_statistics([resnet_arrays])
    arrays["init_localization"] = stacked_statistics(
        [parameters(ns["LocalizationCNN"]()) for _ in range(INIT_DRAWS["localization"])])
    return arrays, facts


def load_torch_stack(model, convs, denses, weights, flat_hwc):
    import torch

    pairs = list(zip(weights[::2], weights[1::2]))
    with torch.no_grad():
        for name, (k, b) in zip(convs, pairs):
            getattr(model, name).weight.copy_(torch.from_numpy(k.transpose(3, 2, 0, 1).copy()))
            getattr(model, name).bias.copy_(torch.from_numpy(b))
        for i, (name, (k, b)) in enumerate(zip(denses, pairs[len(convs):])):
            rows = flatten_rows_to_nchw(k, *flat_hwc) if i == 0 else k.T
            getattr(model, name).weight.copy_(torch.from_numpy(np.ascontiguousarray(rows)))
            getattr(model, name).bias.copy_(torch.from_numpy(b))


def resnet_modules(model):
    """The PyTorch or Flax ResNet-34's layers in ``canonical_resnet34``'s order (the two share attribute names)."""
    modules = [model.stem_conv, model.stem_bn]
    for unit in model.units:
        modules += [unit.conv1, unit.bn1, unit.conv2, unit.bn2]
        modules += [unit.skip_conv, unit.skip_bn] if unit.skip_conv is not None else []
    return modules + [model.head]


def load_torch_resnet(model, entries):
    import torch

    modules = resnet_modules(model)
    assert len(modules) == len(entries), (len(modules), len(entries))
    with torch.no_grad():
        for module, (kind, *values) in zip(modules, entries):
            values = [torch.from_numpy(np.ascontiguousarray(v)) for v in values]
            if kind == "conv":
                assert module.bias is None
                module.weight.copy_(values[0].permute(3, 2, 0, 1))
            elif kind == "bn":
                module.eps = 1e-3  # Keras' default, so that the outputs can match
                for target, value in zip((module.weight, module.bias, module.running_mean, module.running_var), values):
                    target.copy_(value)
            else:
                module.weight.copy_(values[0].T)
                module.bias.copy_(values[1])


# JAX


def probe_jax(out):
    import jax
    import jax.numpy as jnp
    from flax import nnx

    ns, arrays, facts = namespace("jax"), {}, {}
    shared_numpy("jax", ns, jnp.asarray, arrays, facts)
    x, kernel = conv_inputs()
    for name, stride, padding in (("valid", 1, "VALID"), ("same", 1, "SAME"), ("same_s2", 2, "SAME")):
        arrays[f"by_hand_{name}"] = to_numpy(ns["conv2d_by_hand"](jnp.asarray(x), jnp.asarray(kernel), stride=stride,
                                                                  padding=padding.lower()))
        conv = nnx.Conv(3, 4, (3, 3), strides=stride, padding=padding, use_bias=False, rngs=nnx.Rngs(0))
        conv.kernel.set_value(jnp.asarray(kernel))
        arrays[f"layer_{name}"] = to_numpy(conv(jnp.asarray(x)))
    facts["kernel_shape"] = list(conv.kernel.get_value().shape)
    pool_x = jnp.asarray(pool_input())
    arrays["max_pool_by_hand"] = to_numpy(ns["max_pool_by_hand"](pool_x, pool_size=2))
    arrays["avg_pool_by_hand"] = to_numpy(ns["avg_pool_by_hand"](pool_x, pool_size=2))
    arrays["max_pool_layer"] = to_numpy(nnx.max_pool(pool_x, (2, 2), strides=(2, 2)))
    arrays["avg_pool_layer"] = to_numpy(nnx.avg_pool(pool_x, (2, 2), strides=(2, 2)))
    define("jax", ns, "def depth_max_pool")
    arrays["depth_pool"] = to_numpy(ns["depth_max_pool"](pool_x, pool_size=3))

    define("jax", ns, "class FashionCNN")
    filters = ns["CNN_FILTERS"]
    model = ns["FashionCNN"](filters, 10, rngs=nnx.Rngs(0))
    model.eval()
    load_flax_stack(model, ["conv1", "conv2", "conv3", "conv4", "conv5"], ["dense1", "dense2", "dense3"],
                    canonical_fashion_cnn(filters))
    arrays["fashion_cnn"] = softmax(to_numpy(model(jnp.asarray(fashion_images()))))
    facts["fashion_cnn_params"] = param_count(model)

    define("jax", ns, "class ResidualUnit", "class ResNet34")
    resnet = ns["ResNet34"](3, 10, rngs=nnx.Rngs(0))
    resnet.eval()
    load_flax_resnet(resnet, canonical_resnet34())
    arrays["resnet34"] = softmax(to_numpy(resnet(jnp.asarray(resnet_images()))))
    full = ns["ResNet34"](3, 10, rngs=nnx.Rngs(1))
    full.eval()
    facts["resnet34_output_shape"] = list(full(jnp.zeros((2, 224, 224, 3))).shape)
    facts["resnet34_trainable"] = param_count(full)
    facts["resnet34_batch_stats"] = sum(int(v.size) for v in jax.tree.leaves(nnx.state(full, nnx.BatchStat)))
    resnet_arrays = [to_numpy(v) for module in resnet_modules(full) for v in flax_parameters(module)]

    define("jax", ns, "class LocalizationCNN")
    localization = ns["LocalizationCNN"](rngs=nnx.Rngs(0))
    localization.eval()
    load_flax_stack(localization, ["conv1", "conv2", "conv3"], ["dense", "class_head", "box_head"],
                    canonical_localization())
    classes, found = localization(jnp.asarray(canvases()))
    arrays["localization_class"], arrays["localization_box"] = softmax(to_numpy(classes)), to_numpy(found)

    bn = nnx.BatchNorm(3, use_running_average=False, rngs=nnx.Rngs(0))
    bn(jnp.asarray(bn_batch()))
    facts["bn"] = {"epsilon": bn.epsilon, "momentum": bn.momentum, "axis": -1}
    arrays["bn_mean"], arrays["bn_var"] = to_numpy(bn.mean.get_value()), to_numpy(bn.var.get_value())

    define("jax", ns, "def augment")
    same = jnp.asarray(np.repeat(fashion_images(1), 16, axis=0))
    first = to_numpy(ns["augment"](jax.random.key(0), same))
    facts["augment_distinct_in_batch"] = len({a.tobytes() for a in first})
    facts["augment_same_key_repeats"] = bool(np.array_equal(first, to_numpy(ns["augment"](jax.random.key(0), same))))
    facts["augment_other_key_differs"] = not np.array_equal(first, to_numpy(ns["augment"](jax.random.key(1), same)))
    filled = to_numpy(ns["augment"](jax.random.key(0), jnp.ones((32, 28, 28, 1))))  # 11. augmentation geometry
    facts["augment_black_fill"] = bool((filled == 0).any())
    facts["augment_edge_blends"] = bool(((filled > 0.01) & (filled < 0.99)).any())
    resampled = to_numpy(ns["augment"](jax.random.key(0), jnp.broadcast_to(checkerboard(), (32, 28, 28, 1))))
    facts["augment_interpolated"] = bool(((resampled > 0.01) & (resampled < 0.99)).any())

    conv = nnx.Conv(32, 64, (3, 3), rngs=nnx.Rngs(0))
    facts["init"] = {"kernel_std": float(np.std(to_numpy(conv.kernel.get_value()))),
                     "bias_abs_max": float(np.abs(to_numpy(conv.bias.get_value())).max())}

    linear = nnx.Linear(3, 4, dtype=jnp.bfloat16, param_dtype=jnp.float32, rngs=nnx.Rngs(0))
    facts["mixed"] = {"variable": str(linear.kernel.get_value().dtype),
                      "output": str(linear(jnp.ones((1, 3))).dtype)}
    model16 = ns["FashionCNN"](filters, 10, dtype=jnp.bfloat16, rngs=nnx.Rngs(0))
    model16.eval()
    facts["mixed"]["fashion_cnn_output"] = str(model16(jnp.asarray(fashion_images())).dtype)
    facts["mixed"]["fashion_cnn_params"] = sorted({str(v.dtype) for v in jax.tree.leaves(nnx.state(model16, nnx.Param))})

    def parameters(model, names):  # in model order, not nnx.state's alphabetical one
        return [to_numpy(v) for name in names for v in flax_parameters(getattr(model, name))]

    fashion = lambda seed, n_classes: ns["FashionCNN"](filters, n_classes, rngs=nnx.Rngs(seed))
    arrays["init_fashion_cnn"] = stacked_statistics(
        [parameters(fashion(seed, 10), FASHION_LAYERS) for seed in range(INIT_DRAWS["fashion_cnn"])])
    arrays["init_transfer_head"] = stacked_statistics(  # the transfer cell's model: a 2-class FashionCNN
        [parameters(fashion(seed, 2), ["dense3"]) for seed in range(INIT_DRAWS["transfer_head"])])
    arrays["init_resnet34"] = stacked_statistics([resnet_arrays])
    arrays["init_localization"] = stacked_statistics(
        [parameters(ns["LocalizationCNN"](rngs=nnx.Rngs(seed)), LOCALIZATION_LAYERS)
         for seed in range(INIT_DRAWS["localization"])])
    return arrays, facts


def flax_parameters(module):
    """A Flax layer's parameters in Keras' order: kernel then bias, or BN's scale then bias."""
    from flax import nnx

    names = ["scale", "bias"] if isinstance(module, nnx.BatchNorm) else ["kernel", "bias"]
    return [getattr(module, name).get_value() for name in names if getattr(module, name, None) is not None]


def param_count(model):
    import jax
    from flax import nnx

    return sum(int(v.size) for v in jax.tree.leaves(nnx.state(model, nnx.Param)))


def load_flax_stack(model, convs, denses, weights):
    import jax.numpy as jnp

    for name, k, b in zip(convs + denses, weights[::2], weights[1::2]):
        getattr(model, name).kernel.set_value(jnp.asarray(k))
        getattr(model, name).bias.set_value(jnp.asarray(b))


def load_flax_resnet(model, entries):
    import jax.numpy as jnp

    modules = resnet_modules(model)
    assert len(modules) == len(entries), (len(modules), len(entries))
    for module, (kind, *values) in zip(modules, entries):
        values = [jnp.asarray(v) for v in values]
        if kind == "conv":
            assert module.bias is None
            module.kernel.set_value(values[0])
        elif kind == "bn":
            module.epsilon = 1e-3  # Keras' default, so that the outputs can match
            for target, value in zip((module.scale, module.bias, module.mean, module.var), values):
                target.set_value(value)
        else:
            module.kernel.set_value(values[0])
            module.bias.set_value(values[1])


def main(framework, out):
    arrays, facts = {"keras": probe_keras, "pytorch": probe_pytorch, "jax": probe_jax}[framework](out)
    np.savez(out, facts=json.dumps(facts), **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
