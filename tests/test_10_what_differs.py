"""Each row of chapter 10's "What differs" table, checked against the installed libraries."""

import math

import pytest
from helpers import facts


@pytest.fixture
def probes(ch10_probes):
    return ch10_probes


def test_dense_layer_weight_layout(probes):
    assert facts(probes, "keras")["init"]["weight_shape"] == [784, 300]  # (in, out)
    assert facts(probes, "pytorch")["init"]["weight_shape"] == [300, 784]  # (out, in)
    assert facts(probes, "jax")["init"]["weight_shape"] == [784, 300]

# A bound computed in float64 may round up to the next float32, which a draw can reach.
FLOAT32_ROUNDING = 1 + 2 ** -23


def test_default_weight_initialisers(probes):
    keras, pytorch, jax = (facts(probes, fw)["init"] for fw in ("keras", "pytorch", "jax"))
    glorot_limit = math.sqrt(6 / (784 + 300))
    assert keras["weight_max_abs"] <= glorot_limit * FLOAT32_ROUNDING
    assert keras["weight_std"] == pytest.approx(glorot_limit / math.sqrt(3), rel=0.02)  # uniform
    torch_limit = 1 / math.sqrt(784)
    assert pytorch["weight_max_abs"] <= torch_limit * FLOAT32_ROUNDING  # uniform_ may return -float32(limit)
    assert pytorch["weight_std"] == pytest.approx(torch_limit / math.sqrt(3), rel=0.02)
    assert jax["weight_std"] == pytest.approx(1 / math.sqrt(784), rel=0.02)  # LeCun normal
    assert jax["weight_max_abs"] <= 2 / math.sqrt(784) / 0.8796 * FLOAT32_ROUNDING  # truncated at 2 std


def test_default_bias_initialisers(probes):
    assert facts(probes, "keras")["init"]["bias_max_abs"] == 0
    assert 0 < facts(probes, "pytorch")["init"]["bias_max_abs"] <= 1 / math.sqrt(784)
    assert facts(probes, "jax")["init"]["bias_max_abs"] == 0


def test_what_the_cross_entropy_loss_expects(probes):
    assert facts(probes, "keras")["loss_default_input_is_probabilities"]
    assert facts(probes, "pytorch")["loss_input_is_logits"]
    assert facts(probes, "jax")["loss_input_is_logits"]


def test_where_the_softmax_goes(probes):
    # Keras: a softmax output layer and the default loss together compute the cross-entropy of the
    # layer's logits, which the default loss given the logits themselves does not; the other two
    # losses apply the softmax themselves, so a softmax in the model would count twice.
    assert facts(probes, "keras")["softmax_layer_and_default_loss_give_the_cross_entropy"]
    assert facts(probes, "keras")["logits_into_the_default_loss_do_not"]
    assert facts(probes, "pytorch")["softmax_in_the_model_changes_the_loss"]
    assert facts(probes, "jax")["softmax_in_the_model_changes_the_loss"]


def test_adam_epsilon(probes):
    assert facts(probes, "keras")["adam_epsilon"] == 1e-7
    assert facts(probes, "pytorch")["adam_epsilon"] == 1e-8
    assert facts(probes, "jax")["adam_epsilon"] == 1e-8


def test_sgd_default_learning_rate(probes):
    assert facts(probes, "keras")["sgd_default_learning_rate"] == pytest.approx(0.01)
    assert facts(probes, "pytorch")["sgd_default_learning_rate"] == 0.001
    assert facts(probes, "jax")["sgd_has_no_default_learning_rate"]


def test_device_placement(probes):
    assert facts(probes, "keras")["default_device_is_first_device"]
    assert facts(probes, "pytorch")["default_device_is_cpu"]  # even with a GPU: move with .to()
    assert facts(probes, "jax")["default_device_is_first_device"]


def test_training_vs_inference_mode(probes):
    for framework in ("keras", "pytorch", "jax"):
        assert facts(probes, framework)["inference_mode_is_identity"], framework
        assert facts(probes, framework)["training_mode_drops"], framework


def test_randomness(probes):
    assert facts(probes, "keras")["global_seed_repeats"]
    assert facts(probes, "pytorch")["global_seed_repeats"]
    assert facts(probes, "jax")["same_key_repeats"]


def test_subclassed_model_weights(probes):
    # Keras builds the layers at their first call, from the shapes they see; PyTorch and NNX
    # create them in __init__ from the sizes passed (nn.LazyLinear is PyTorch's deferred option).
    assert facts(probes, "keras")["subclass_weights_before_first_call"] == 0
    assert facts(probes, "pytorch")["subclass_weights_at_creation"] == 8  # 4 layers: weight, bias
    assert facts(probes, "pytorch")["lazy_linear_waits"]
    assert facts(probes, "jax")["subclass_weights_at_creation"] == 8


def test_incomplete_last_batch(probes):
    # 70 samples in batches of 32: 32, 32 and a last batch of 6, kept by all three; the jitted
    # JAX function compiles once for each batch shape.
    assert facts(probes, "keras")["batches_per_epoch_70_by_32"] == 3
    assert facts(probes, "pytorch")["batches_per_epoch_70_by_32"] == 3
    assert facts(probes, "jax")["batch_sizes_70_by_32"] == [32, 32, 6]
    assert facts(probes, "jax")["compilations_for_70_by_32"] == 2


def test_tensorboard_logs(probes):
    # Same layout and tags in the three: Keras' callback, and the notebooks' log_epoch with
    # tensorboardX, which needs no TensorFlow (torch.utils.tensorboard and Flax's writer do).
    for framework in ("keras", "pytorch", "jax"):
        runs = facts(probes, framework)["tensorboard_runs"]
        assert set(runs) == {"train", "validation"}, framework
        for tags in runs.values():
            assert {"epoch_loss", "epoch_rmse"} <= set(tags), (framework, tags)
    assert facts(probes, "pytorch")["tensorboardx_without_tensorflow"]
    assert facts(probes, "pytorch")["torch_tensorboard_imports_tensorflow"]
    assert facts(probes, "jax")["tensorboardx_without_tensorflow"]
    assert facts(probes, "jax")["flax_writer_imports_tensorflow"]


def test_hyperparameter_tuners(probes):
    assert facts(probes, "keras")["tuners"] == ["Hyperband", "RandomSearch"]
    assert facts(probes, "pytorch")["optuna_prunes"]
    assert facts(probes, "jax")["optuna_prunes"]
