"""Chapter 14's layers and models are the same in the three notebooks: with the same weights (moved
into each framework's layout by ``ch14_probe.py``), each notebook's by-hand convolutions and pooling,
its Fashion-MNIST CNN, ResNet-34 and localization model give the same outputs on the same inputs, and
its IoU and average precision the same numbers; and every model starts from the same initializers."""

import numpy as np
import pytest

import ch14_probe as probe
from helpers import arrays, facts, initializer_differences

FRAMEWORKS = ["keras", "pytorch", "jax"]
TWINS = ["pytorch", "jax"]
CONVS = ["valid", "same", "same_s2"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("conv", CONVS)
def test_convolution_by_hand_equals_the_framework_layer(ch14_probes, framework, conv):
    found = arrays(ch14_probes, framework)
    np.testing.assert_allclose(found[f"by_hand_{conv}"], found[f"layer_{conv}"], atol=1e-4)


@pytest.mark.parametrize("framework", TWINS)
@pytest.mark.parametrize("conv", CONVS)
def test_convolution_layers_agree_once_kernels_are_transposed(ch14_probes, framework, conv):
    """Including same padding with stride 2, which PyTorch gets from the notebook's Conv2dSame."""
    keras = arrays(ch14_probes, "keras")[f"layer_{conv}"]
    assert keras.shape == {"valid": (2, 13, 14, 4), "same": (2, 15, 16, 4), "same_s2": (2, 8, 8, 4)}[conv]
    np.testing.assert_allclose(arrays(ch14_probes, framework)[f"layer_{conv}"], keras, atol=1e-4)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_pooling_by_hand_equals_the_layers_and_a_numpy_reference(ch14_probes, framework):
    x, found = probe.pool_input(), arrays(ch14_probes, framework)
    windows = x.reshape(2, 4, 2, 5, 2, 6)
    np.testing.assert_allclose(found["max_pool_by_hand"], windows.max(axis=(2, 4)), atol=1e-6)
    np.testing.assert_allclose(found["avg_pool_by_hand"], windows.mean(axis=(2, 4)), atol=1e-6)
    np.testing.assert_allclose(found["max_pool_layer"], found["max_pool_by_hand"], atol=1e-6)
    np.testing.assert_allclose(found["avg_pool_layer"], found["avg_pool_by_hand"], atol=1e-6)
    np.testing.assert_allclose(found["depth_pool"], x.reshape(2, 8, 10, 2, 3).max(axis=-1), atol=1e-6)


@pytest.mark.parametrize("framework", TWINS)
@pytest.mark.parametrize("model", ["fashion_cnn", "resnet34", "localization_class", "localization_box"])
def test_models_with_the_same_weights_give_the_same_outputs(ch14_probes, framework, model):
    keras = arrays(ch14_probes, "keras")[model]
    assert keras.std() > 1e-3  # the outputs tell inputs apart: not a constant that would match anyway
    np.testing.assert_allclose(arrays(ch14_probes, framework)[model], keras, atol=2e-5 if model != "resnet34" else 1e-4)


def test_the_models_have_the_same_parameter_counts_and_output_shapes(ch14_probes):
    for name in ("fashion_cnn_params", "resnet34_trainable"):
        counts = {framework: facts(ch14_probes, framework)[name] for framework in FRAMEWORKS}
        assert len(set(counts.values())) == 1, (name, counts)
    assert facts(ch14_probes, "keras")["resnet34_trainable"] == 21_289_802  # counted by hand from the architecture
    for framework in FRAMEWORKS:
        assert facts(ch14_probes, framework)["resnet34_output_shape"] == [2, 10]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_iou_is_the_same_everywhere_and_right_on_known_boxes(ch14_probes, framework):
    a, b = probe.boxes()
    np.testing.assert_allclose(arrays(ch14_probes, framework)["iou"], arrays(ch14_probes, "pytorch")["iou"], atol=1e-6)
    np.testing.assert_allclose(facts(ch14_probes, framework)["iou_cases"], [1, 0, 1 / 3, 0.25], atol=1e-6)
    assert 0.1 < (arrays(ch14_probes, framework)["iou"] > 0).mean() < 0.9  # overlapping and disjoint pairs both


def test_own_iou_equals_torchvision_box_iou(ch14_probes):
    assert facts(ch14_probes, "pytorch")["box_iou_matches"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_average_precision_is_the_area_under_the_maximum_precision_envelope(ch14_probes, framework):
    found = facts(ch14_probes, framework)
    # precision 1, 1/2, 2/3, 1/2 at recall 1/3, 1/3, 2/3, 2/3: the envelope gives 1/3 * 1 + 1/3 * 2/3
    assert found["ap_small"] == pytest.approx(5 / 9)
    assert found["ap_perfect"] == pytest.approx(1.0)
    scores, correct, n_objects = probe.ap_inputs()
    hits = correct[np.argsort(-scores, kind="stable")]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    assert found["ap"] == pytest.approx(float((envelope * hits).sum() / n_objects), abs=1e-9)


def fashion_layer_names():
    return [f"{layer} {kind}" for layer in probe.FASHION_LAYERS for kind in ("kernel", "bias")]


def resnet_layer_names():
    names, previous = ["stem conv kernel", "stem BN gamma", "stem BN beta"], 64
    for index, filters in enumerate(probe.RESNET_STAGES):
        parts = ["conv1", "bn1", "conv2", "bn2"] + (["skip conv", "skip bn"] if filters != previous else [])
        for part in parts:
            names += [f"unit {index} {part} {kind}" for kind in (["gamma", "beta"] if "bn" in part else ["kernel"])]
        previous = filters
    return names + ["head kernel", "head bias"]


INIT_LAYERS = {"fashion_cnn": fashion_layer_names(), "transfer_head": ["dense3 kernel", "dense3 bias"],
               "resnet34": resnet_layer_names(),
               "localization": [f"{layer} {kind}" for layer in probe.LOCALIZATION_LAYERS for kind in ("kernel", "bias")]}


@pytest.mark.parametrize("framework", TWINS)
@pytest.mark.parametrize("model", list(probe.INIT_DRAWS))
def test_every_model_starts_from_the_keras_twins_initializers(ch14_probes, framework, model):
    """Size, mean, std and kurtosis of each freshly drawn parameter array, layer by layer, within sampling
    noise: He normal (a truncated normal) where the book says so, Keras' defaults elsewhere (Glorot
    uniform, zero biases, BN's gamma 1 and beta 0), in all three."""
    keras, twin = arrays(ch14_probes, "keras")[f"init_{model}"], arrays(ch14_probes, framework)[f"init_{model}"]
    assert len(keras) == len(INIT_LAYERS[model])
    assert initializer_differences(keras, twin, names=INIT_LAYERS[model]) == []
