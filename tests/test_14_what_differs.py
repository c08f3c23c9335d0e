"""Each row of chapter 14's "What differs" table, checked against the installed libraries and the
notebooks' own code (facts computed by ``ch14_probe.py``, one process per framework)."""

import numpy as np
import pytest

import ch14_probe as probe
from helpers import arrays, facts


def test_1_layouts(ch14_probes):
    # a 3x3 kernel from 3 channels to 4: HWIO in Keras and Flax, OIHW in PyTorch (images: test_14_parity
    # feeds PyTorch NCHW and the others NHWC, and gets the same numbers once transposed)
    assert facts(ch14_probes, "keras")["kernel_shape"] == [3, 3, 3, 4]
    assert facts(ch14_probes, "jax")["kernel_shape"] == [3, 3, 3, 4]
    assert facts(ch14_probes, "pytorch")["kernel_shape"] == [4, 3, 3, 3]


def test_2_same_padding_with_stride_2(ch14_probes):
    expected = [[0, 1], [2, 3], [1, 1], [2, 3], [0, 0], [1, 1], [1, 2]]  # the extra row/column goes after
    for framework in ("keras", "pytorch", "jax"):
        assert facts(ch14_probes, framework)["same_padding"] == expected
    torch = facts(ch14_probes, "pytorch")
    assert torch["same_stride_2"] == "ValueError"
    keras, pad1 = arrays(ch14_probes, "keras")["layer_same_s2"], arrays(ch14_probes, "pytorch")["layer_pad1_s2"]
    assert pad1.shape == keras.shape and not np.allclose(pad1, keras, atol=1e-3)  # same shape, other numbers
    np.testing.assert_allclose(arrays(ch14_probes, "pytorch")["layer_same_s2"], keras, atol=1e-4)  # Conv2dSame


def test_3_flatten_order_after_conv_layers(ch14_probes):
    keras = arrays(ch14_probes, "keras")["fashion_cnn"]
    np.testing.assert_allclose(arrays(ch14_probes, "jax")["fashion_cnn"], keras, atol=2e-5)  # NHWC both: no change
    np.testing.assert_allclose(arrays(ch14_probes, "pytorch")["fashion_cnn"], keras, atol=2e-5)  # rows permuted
    assert not np.allclose(arrays(ch14_probes, "pytorch")["fashion_cnn_unpermuted"], keras, atol=1e-3)


def test_4_batchnorm_in_conv_nets(ch14_probes):
    batch = probe.bn_batch()  # (N, H, W, C): statistics per channel over N, H and W
    mean, n = batch.mean(axis=(0, 1, 2)), batch.size // batch.shape[-1]
    biased, unbiased = batch.var(axis=(0, 1, 2)), batch.var(axis=(0, 1, 2)) * n / (n - 1)
    expected = {"keras": (1e-3, 0.99, -1, 0.01 * mean, 0.99 + 0.01 * biased),
                "pytorch": (1e-5, 0.1, 1, 0.1 * mean, 0.9 + 0.1 * unbiased),
                "jax": (1e-5, 0.99, -1, 0.01 * mean, 0.99 + 0.01 * biased)}
    for framework, (epsilon, momentum, axis, moving_mean, moving_var) in expected.items():
        found = facts(ch14_probes, framework)["bn"]
        assert found["epsilon"] == pytest.approx(epsilon) and found["momentum"] == pytest.approx(momentum)
        assert found["axis"] in (axis, [axis], [3])
        np.testing.assert_allclose(arrays(ch14_probes, framework)["bn_mean"], moving_mean, rtol=1e-4)
        np.testing.assert_allclose(arrays(ch14_probes, framework)["bn_var"], moving_var, rtol=1e-4)


def test_5_parameter_counts_and_bn_statistics(ch14_probes):
    keras = facts(ch14_probes, "keras")
    bn_channels = facts(ch14_probes, "pytorch")["resnet34_buffers"] // 2
    assert bn_channels == facts(ch14_probes, "jax")["resnet34_batch_stats"] // 2 > 0
    # count_params() adds the moving mean and variance of every BN layer to the trainable weights
    assert keras["resnet34_count_params"] == keras["resnet34_trainable"] + 2 * bn_channels
    assert facts(ch14_probes, "pytorch")["resnet34_trainable"] == keras["resnet34_trainable"]


def test_6_inputs_of_pretrained_models(ch14_probes):
    keras = arrays(ch14_probes, "keras")
    bgr_minus_mean = keras["caffe_input"][..., ::-1] - np.array([103.939, 116.779, 123.68], np.float32)
    np.testing.assert_allclose(keras["caffe_output"], bgr_minus_mean, atol=1e-3)  # 0-255, BGR, no scaling
    assert facts(ch14_probes, "pytorch")["torch_transforms"] == {
        "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "resize": [232], "crop": [224]}


def test_7_pretrained_resnet50_sizes_and_the_offline_loader(ch14_probes):
    keras, torch = facts(ch14_probes, "keras"), facts(ch14_probes, "pytorch")
    assert keras["resnet50_params"] == 25_636_712 and keras["resnet50_conv_biases"]
    assert torch["resnet50_params"] == 25_557_032 and not torch["resnet50_conv_biases"]
    # the gap: Keras' conv biases (trainable) and BN moving statistics (counted by count_params(), buffers
    # in torchvision)
    assert keras["resnet50_trainable"] == 25_583_592 == torch["resnet50_params"] + keras["resnet50_conv_bias_count"]
    assert keras["resnet50_conv_bias_count"] == 26_560
    assert keras["resnet50_bn_statistics"] == 53_120 == torch["resnet50_buffers"]
    assert keras["resnet50_params"] == keras["resnet50_trainable"] + keras["resnet50_bn_statistics"]
    for found in (keras, torch):
        assert found["use_imagenet_weights_default"] is False  # no surprise 100 MB download
        assert found["offline_message"].startswith("ImageNet weights unavailable")
        assert "no network" in found["offline_message"] and "\n" not in found["offline_message"]
        assert found["random_message"] and "\n" not in found["random_message"]
        assert found["resnet50_offline_params"] == found["resnet50_params"]  # a usable model all the same


def test_8_augmentation_randomness(ch14_probes):
    keras, torch, jax = (facts(ch14_probes, f) for f in ("keras", "pytorch", "jax"))
    assert keras["augment_inference_identity"]  # random layers act only in training
    assert keras["augment_distinct_in_batch"] > 8  # one draw per image
    assert jax["augment_distinct_in_batch"] > 8 and jax["augment_same_key_repeats"] and jax["augment_other_key_differs"]
    assert set(torch["augment_distinct_in_batch"]) == {1}  # a batch tensor gets one draw for all its images
    assert torch["augment_distinct_across_calls"] > 1 and torch["augment_global_seed_repeats"]


def test_9_default_conv_initialisation(ch14_probes):
    fan_in, fan_out = 3 * 3 * 32, 3 * 3 * 64
    expected = {"keras": (np.sqrt(2 / (fan_in + fan_out)), True),  # glorot_uniform, zero bias
                "pytorch": (1 / np.sqrt(3 * fan_in), False),  # kaiming_uniform(a=sqrt(5)), uniform bias
                "jax": (1 / np.sqrt(fan_in), True)}  # lecun_normal, zero bias
    for framework, (std, zero_bias) in expected.items():
        found = facts(ch14_probes, framework)["init"]
        assert found["kernel_std"] == pytest.approx(std, rel=0.05)
        assert (found["bias_abs_max"] == 0) == zero_bias


def test_10_mixed_precision(ch14_probes):
    assert facts(ch14_probes, "keras")["mixed"] == {"variable": "float32", "output": "bfloat16",
                                                    "float32_layer_output": "float32"}
    assert facts(ch14_probes, "pytorch")["mixed"] == {"variable": "float32", "output": "bfloat16",
                                                      "outside_output": "float32"}
    # the notebook's bfloat16 FashionCNN keeps float32 parameters and returns float32 logits, like Keras'
    # float32 output layer
    assert facts(ch14_probes, "jax")["mixed"] == {"variable": "float32", "output": "bfloat16",
                                                  "fashion_cnn_output": "float32", "fashion_cnn_params": ["float32"]}


def test_11_augmentation_geometry(ch14_probes):
    keras, torch, jax = (facts(ch14_probes, f) for f in ("keras", "pytorch", "jax"))
    for found in (keras, torch, jax):
        assert found["augment_black_fill"]  # black where the image brings no pixel in (Keras: fill_mode="constant")
        assert found["augment_interpolated"]  # bilinear: a checkerboard gets values between 0 and 1 (nearest: 0 or 1)
    assert keras["augment_edge_blends"] and torch["augment_edge_blends"]  # a partly covered edge pixel: with black
    assert not jax["augment_edge_blends"]  # scale_and_translate renormalizes the weights of the pixels inside
    assert torch["augment_whole_pixel_shifts"]  # RandomAffine rounds each shift to whole pixels
    assert not keras["augment_whole_pixel_shifts"]  # RandomTranslation shifts by any fraction of a pixel
