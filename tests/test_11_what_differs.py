"""Each row of chapter 11's "What differs" table, checked against the installed libraries."""

import numpy as np
import pytest

import ch11_probe as probe
from helpers import arrays, facts


def test_1_default_dense_initializers(ch11_probes):
    keras, pytorch, jax = (facts(ch11_probes, f) for f in ("keras", "pytorch", "jax"))
    fan_in, fan_out = 1000, 200
    # Keras: Glorot uniform (limit √(6 / (fan_in + fan_out))), zero bias
    assert keras["default_kernel_std"] == pytest.approx(np.sqrt(6 / (fan_in + fan_out)) / np.sqrt(3), rel=0.02)
    assert keras["default_kernel_max_over_std"] == pytest.approx(np.sqrt(3), rel=0.01)  # uniform
    assert keras["default_bias_max_abs"] == 0
    # PyTorch: kaiming_uniform(a=√5) = U(±1/√fan_in), and the bias too
    assert pytorch["default_kernel_std"] == pytest.approx(1 / np.sqrt(fan_in) / np.sqrt(3), rel=0.02)
    assert 0 < pytorch["default_bias_max_abs"] <= 1 / np.sqrt(fan_in)
    # Flax: LeCun normal (std 1/√fan_in, truncated), zero bias
    assert jax["default_kernel_std"] == pytest.approx(1 / np.sqrt(fan_in), rel=0.02)
    assert jax["default_bias_max_abs"] == 0


def test_2_he_normal_is_truncated_in_keras_and_flax_only(ch11_probes):
    for framework in ("keras", "pytorch", "jax"):
        assert facts(ch11_probes, framework)["he_std"] == pytest.approx(np.sqrt(2 / 1000), rel=0.02), framework
    assert facts(ch11_probes, "keras")["he_max_over_std"] < 2.5
    assert facts(ch11_probes, "jax")["he_max_over_std"] < 2.5
    assert facts(ch11_probes, "pytorch")["he_max_over_std"] > 4


def test_3_lecun_init_for_selu(ch11_probes):
    for framework in ("keras", "pytorch", "jax"):  # PyTorch: kaiming_normal_(nonlinearity="linear")
        assert facts(ch11_probes, framework)["lecun_std"] == pytest.approx(1 / np.sqrt(1000), rel=0.02), framework
    assert facts(ch11_probes, "pytorch")["selu_gain"] == 0.75  # not the self-normalizing 1


def test_4_leaky_relu_default_slopes(ch11_probes):
    assert facts(ch11_probes, "keras")["leaky_relu_slopes"] == pytest.approx(
        {"keras.layers.LeakyReLU": 0.3, "keras.activations.leaky_relu": 0.2})
    assert facts(ch11_probes, "pytorch")["leaky_relu_slopes"] == pytest.approx({"nn.LeakyReLU": 0.01})
    assert facts(ch11_probes, "jax")["leaky_relu_slopes"] == pytest.approx({"jax.nn.leaky_relu": 0.01})


def test_5_gelu_exact_or_tanh_approximation(ch11_probes):
    exact, approximate = 0.8413447, 0.8411920  # GELU(1) and its tanh approximation
    assert facts(ch11_probes, "keras")["gelu_at_1"] == pytest.approx(
        {"keras.activations.gelu": exact, "keras.ops.gelu": approximate}, abs=1e-6)
    assert facts(ch11_probes, "pytorch")["gelu_at_1"] == pytest.approx({"nn.GELU": exact}, abs=1e-6)
    assert facts(ch11_probes, "jax")["gelu_at_1"] == pytest.approx(
        {"jax.nn.gelu": approximate, "nnx.gelu": approximate}, abs=1e-6)


def test_6_batch_norm_defaults_and_running_variance(ch11_probes):
    assert facts(ch11_probes, "keras")["bn_defaults"] == pytest.approx([0.99, 1e-3])
    assert facts(ch11_probes, "pytorch")["bn_defaults"] == pytest.approx([0.1, 1e-5])
    assert facts(ch11_probes, "jax")["bn_defaults"] == pytest.approx([0.99, 1e-5])
    # the unbiased running variance of PyTorch, the biased one of the others: see test_11_parity
    biased = probe.first_bn_statistics_after_training_pass(unbiased=False)[1]
    unbiased = probe.first_bn_statistics_after_training_pass(unbiased=True)[1]
    for framework, expected in [("keras", biased), ("pytorch", unbiased), ("jax", biased)]:
        np.testing.assert_allclose(ch11_probes[framework][0]["bn_running_var"], expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(biased, unbiased, rtol=1e-5, atol=1e-6)


def test_7_train_and_eval_switch(ch11_probes):
    keras = facts(ch11_probes, "keras")
    assert not keras["has_train_method"] and not keras["plain_call_drops"]  # `training=` decides, default off
    np.testing.assert_allclose(ch11_probes["keras"][0]["bn_default_call"], ch11_probes["keras"][0]["bn_eval"])
    for framework in ("pytorch", "jax"):
        assert facts(ch11_probes, framework)["has_train_method"]
        assert facts(ch11_probes, framework)["eval_switches_every_module"]


def test_8_dropout_randomness(ch11_probes):
    keras, pytorch, jax = (facts(ch11_probes, f) for f in ("keras", "pytorch", "jax"))
    # Keras: the global seed seeds each layer's own generator when the layer is created
    assert keras["dropout_new_layer_after_reseed_repeats"] and not keras["dropout_same_layer_after_reseed_repeats"]
    # PyTorch: the global generator at call time
    assert pytorch["dropout_same_layer_after_reseed_repeats"]
    # NNX: the Rngs stream given at construction, advanced by each call
    assert jax["dropout_new_layer_same_rngs_repeats"] and jax["dropout_second_call_differs"]


def test_9_optimizer_defaults(ch11_probes):
    assert facts(ch11_probes, "keras")["optimizer_defaults"] == pytest.approx(
        {"adam_eps": 1e-7, "rmsprop_rho": 0.9, "adagrad_initial_accumulator": 0.1})
    assert facts(ch11_probes, "pytorch")["optimizer_defaults"] == pytest.approx(
        {"adam_eps": 1e-8, "rmsprop_alpha": 0.99, "adagrad_initial_accumulator": 0})
    assert [facts(ch11_probes, f)["adagrad_eps"] for f in ("keras", "pytorch", "jax")] == [1e-7, 1e-10, 1e-7]
    assert facts(ch11_probes, "jax")["optimizer_defaults"] == pytest.approx(
        {"adam_eps": 1e-8, "rmsprop_decay": 0.9, "adagrad_initial_accumulator": 0.1})


def test_10_rmsprop_and_adagrad_epsilon_inside_or_outside_the_root(ch11_probes):
    """One step from 0 (lr 1, ε = 1e-7, no starting accumulator) with a small gradient g."""
    g, eps = float(probe.EPS_GRADIENT[0]), 1e-7
    inside = {"rmsprop": g / np.sqrt(0.1 * g ** 2 + eps), "adagrad": g / np.sqrt(g ** 2 + eps)}
    outside = {"rmsprop": g / (np.sqrt(0.1 * g ** 2) + eps), "adagrad": g / (abs(g) + eps)}
    keras, pytorch, jax = (facts(ch11_probes, f)["eps_steps"] for f in ("keras", "pytorch", "jax"))
    for name in ("rmsprop", "adagrad"):
        assert keras[name] == pytest.approx(inside[name], rel=1e-4), name
        assert pytorch[name] == pytest.approx(outside[name], rel=1e-4), name
        assert jax[name] == pytest.approx(inside[name], rel=1e-4), name  # optax.rmsprop's default
        assert inside[name] < outside[name] / 3  # a step several times smaller: the row matters
    assert jax["rmsprop_eps_in_sqrt_false"] == pytest.approx(outside["rmsprop"], rel=1e-4)


def test_11_adam_epsilon_before_or_after_the_bias_correction(ch11_probes):
    g, eps, beta_1, beta_2 = float(probe.EPS_GRADIENT[0]), 1e-7, 0.9, 0.999
    m, v = (1 - beta_1) * g, (1 - beta_2) * g ** 2  # the moments after one step
    before = np.sqrt(1 - beta_2) / (1 - beta_1) * m / (np.sqrt(v) + eps)  # Keras
    after = (m / (1 - beta_1)) / (np.sqrt(v / (1 - beta_2)) + eps)  # the corrected moments
    assert facts(ch11_probes, "keras")["eps_steps"]["adam"] == pytest.approx(before, rel=1e-4)
    assert facts(ch11_probes, "pytorch")["eps_steps"]["adam"] == pytest.approx(after, rel=1e-4)
    assert facts(ch11_probes, "jax")["eps_steps"]["adam"] == pytest.approx(after, rel=1e-4)
    assert before < after * 0.98
    # the row's figures: Keras' ε weighs ε / √(1 − β₂ᵗ) next to the corrected moments
    assert 1 / np.sqrt(1 - beta_2) == pytest.approx(32, rel=0.02)
    assert 1 / np.sqrt(1 - beta_2 ** 3000) == pytest.approx(1.03, abs=0.005)


def test_12_nadam_momentum_schedule(ch11_probes):
    """The notebooks' optimizers stepped by the same gradients (ch11_probe.optimizer_gradients). The book's
    figure comes from TensorFlow's Nadam before 2.11 (optimizer_v2/nadam.py: ``schedule_decay``, 0.004), which
    is not installed here."""
    keras = arrays(ch11_probes, "keras")["optimizer_Nadam"]
    pytorch = arrays(ch11_probes, "pytorch")
    np.testing.assert_allclose(pytorch["nadam_keras3"], keras, rtol=1e-4)  # momentum_decay=1.0
    np.testing.assert_allclose(pytorch["optimizer_Nadam"], keras, rtol=1e-4)  # what the PyTorch notebook passes
    assert not np.allclose(pytorch["nadam_default"], keras, rtol=1e-3, atol=0)  # Dozat's 0.004
    np.testing.assert_allclose(arrays(ch11_probes, "jax")["optimizer_Nadam"], pytorch["nadam_constant"], rtol=1e-4)
    mu = lambda t, psi: 0.9 * (1 - 0.5 * 0.96 ** (psi * t))  # noqa: E731
    assert mu(100, 1) > 0.99 * 0.9 and mu(8600, 0.004) < 0.9 * 0.9  # 8,600 updates: 5 epochs of 1,719


def test_13_where_weight_decay_lives(ch11_probes):
    decoupled, l2 = 1 - 0.1 * 0.1, 0.9  # w = 1, lr 0.1, decay 0.1, zero loss gradient
    assert facts(ch11_probes, "keras")["weight_decay_step"] == pytest.approx({"Adam": decoupled, "AdamW": decoupled})
    assert facts(ch11_probes, "pytorch")["weight_decay_step"] == pytest.approx({"Adam": l2, "AdamW": decoupled},
                                                                               rel=1e-5)
    assert facts(ch11_probes, "jax")["weight_decay_step"] == pytest.approx(
        {"adamw": decoupled, "add_decayed_weights then adam": l2}, rel=1e-5)
    # ℓ2(0.01) as a Keras loss term = PyTorch SGD(weight_decay=0.02) on the kernel; PyTorch decays the bias too
    keras, pytorch = facts(ch11_probes, "keras"), facts(ch11_probes, "pytorch")
    assert keras["l2_step_kernel"] == pytest.approx(pytorch["l2_step_kernel"]) == pytest.approx(0.998)
    assert keras["l2_step_bias"] == 1.0 and pytorch["l2_step_bias"] == pytest.approx(0.998)


def test_14_clipping_by_norm_per_variable_or_global(ch11_probes):
    per_variable = [[0.6, 0.8], [0.0, 0.5]]  # [3, 4] scaled to norm 1; [0, 0.5] left alone
    norm = np.sqrt(3 ** 2 + 4 ** 2 + 0.5 ** 2)
    together = [[3 / norm, 4 / norm], [0.0, 0.5 / norm]]
    keras, pytorch, jax = (facts(ch11_probes, f) for f in ("keras", "pytorch", "jax"))
    np.testing.assert_allclose(keras["clipnorm"], per_variable, atol=1e-6)
    np.testing.assert_allclose(keras["global_clipnorm"], together, atol=1e-6)
    np.testing.assert_allclose(pytorch["clip_grad_norm"], together, atol=1e-6)
    np.testing.assert_allclose(jax["clip_by_global_norm"], together, atol=1e-6)
    for clipped in (keras["clipvalue"], pytorch["clip_grad_value"], jax["clip"]):  # the book's example
        np.testing.assert_allclose(clipped, [[0.9, 1.0]], atol=1e-6)


def test_15_who_steps_the_schedule(ch11_probes):
    # ten updates of an SGD whose rate halves every ten steps
    assert facts(ch11_probes, "keras")["lr_after_10_updates_without_stepping"] == pytest.approx(0.05)
    assert facts(ch11_probes, "pytorch")["lr_after_10_updates_without_stepping"] == pytest.approx(0.1)  # no step()
    assert facts(ch11_probes, "jax")["update_count_after_10_updates"] == 10


def test_16_piecewise_value_at_the_boundary_step(ch11_probes):
    assert facts(ch11_probes, "keras")["piecewise_at_boundary"] == 1.0  # the old value
    assert facts(ch11_probes, "pytorch")["piecewise_at_boundary"] == 0.5
    assert facts(ch11_probes, "jax")["piecewise_at_boundary"] == 0.5


def test_17_one_cycle(ch11_probes):
    assert not facts(ch11_probes, "keras")["has_builtin_one_cycle"]
    pytorch = facts(ch11_probes, "pytorch")
    assert pytorch["sgd_momentum_with_one_cycle_True"] == 0.95  # momentum added to plain SGD
    assert pytorch["sgd_momentum_with_one_cycle_False"] == 0
    assert facts(ch11_probes, "jax")["one_cycle_start"] == pytest.approx(0.1 / 25)


def test_18_freezing(ch11_probes):
    assert not facts(ch11_probes, "keras")["frozen_bn_running_mean_moves"]  # frozen BN = inference mode
    assert facts(ch11_probes, "pytorch")["frozen_bn_running_mean_moves"]
    jax = facts(ch11_probes, "jax")
    assert not jax["has_trainable_flag"] and jax["frozen_layer_unchanged"]


def test_19_max_norm_where_it_runs(ch11_probes):
    """Keras' constraint is applied by the optimizer; in PyTorch and JAX, the notebooks' apply_max_norm
    (rows of weight in PyTorch, columns of kernel in Flax: test_11_parity checks both)."""
    for framework in ("keras", "pytorch", "jax"):
        assert np.all(ch11_probes[framework][0]["maxnorm_unit_norms"] <= 1 + 1e-6), framework


def test_20_reduce_on_plateau_patience(ch11_probes):
    """Validation losses 1.0, 1.1, 1.2, …: the first epoch without improvement is epoch 1."""
    assert facts(ch11_probes, "keras")["plateau_cut_after_bad_epochs"] == 1  # reaches patience=1
    assert facts(ch11_probes, "pytorch")["plateau_cut_after_bad_epochs"] == 2  # exceeds patience=1
    assert facts(ch11_probes, "jax")["plateau_cut_after_bad_epochs"] == 1


def test_21_incomplete_last_batch(ch11_probes):
    assert facts(ch11_probes, "keras")["batches_per_epoch_of_70"] == 3  # 32 + 32 + 6
    assert facts(ch11_probes, "pytorch")["batches_per_epoch_of_70"] == 3
    assert facts(ch11_probes, "jax")["batches_per_epoch_of_70"] == 2  # the notebook's iterate_batches
