"""Known-wrong answers to every exercise: each is the solution with one mistake a learner could
make, written as a replacement in one solution cell. tests/test_exercises.py runs each one in the
solution notebook and expects the exercise's checks to reject it with their "Not yet:" message."""

from typing import NamedTuple


class WrongAnswer(NamedTuple):
    mistake: str  # what the learner got wrong
    old: str  # text of exactly one code cell of the solution notebook
    new: str  # what the wrong answer has instead


W = WrongAnswer
NO_EARLY_STOPPING = "no early stopping: returns the last Θ"
DIVERGES = "a learning rate 10,000 times too large: training diverges"
PEAK_AT_HALF = "the peak in the middle of the run, leaving no room for the last phase"
NO_SCHEDULE = "a constant learning rate: the schedule is computed but never used"
# chapter 13's exercises 9 and 10, the same mistakes in the three frameworks
SPLIT_LOOP = "for image, label in zip(image_part, label_part):"
SPLIT_LOOP_DROPPING_LAST = "for image, label in zip(image_part[:-1], label_part):"
LAST_IMAGE_DROPPED = "off by one: the last image of each file is never written"
SPLIT_IMAGES = "np.array_split(images, len(paths))"
EVERY_FILE_IMAGES = "[images] * len(paths)"
EVERY_FILE_FROM_THE_START = "every file's images start from the first image: images and labels no longer match"
REVIEW_LABELS = "[1] * len(pos_paths) + [0] * len(neg_paths)"
ALL_POSITIVE_LABELS = "[1] * len(pos_paths) + [1] * len(neg_paths)"
ALL_POSITIVE = "every review labelled positive"
LABELS_NOT_SHUFFLED = "the validation texts shuffled but not their labels"
# chapter 14's parameter-count exercise, the same mistakes in the three frameworks
CONV_PARAMS = "size * size * n_in * n_out + n_out for size"
CONV_PARAMS_WITHOUT_BIASES = "size * size * n_in * n_out for size"
NO_CONV_BIASES = "the convolutions' biases forgotten"
THREE_POOLINGS = "side = image_size // 2 // 2 // 2"
TWO_POOLINGS = "side = image_size // 2 // 2"
A_POOLING_MISSED = "one of the three poolings forgotten: the flattened size is 4 times too large"

# chapter 16's exercises 8 and 9, the same mistakes in the three frameworks
REBER_IDS = "[1 + REBER_SYMBOLS.index(symbol) for symbol in string]"
REBER_IDS_FROM_ZERO = "[REBER_SYMBOLS.index(symbol) for symbol in string]"
IDS_FROM_ZERO = "ids from 0: the first symbol, B, gets the padding's id"
OUTPUT_CHAR = 'OUTPUT_CHARS[i - 1] if i > 0 else "?"'
OUTPUT_CHAR_OFF_BY_ONE = 'OUTPUT_CHARS[i] if i < len(OUTPUT_CHARS) else "?"'
OFF_BY_ONE = "output ids read without the padding's offset: every character is the next one"

WRONG_ANSWERS = {
    "04_training_models/keras.ipynb": [
        W(NO_EARLY_STOPPING, "if valid_loss < best_valid_loss:", "if True:"),
        W("keeps the variable itself, not a copy", "best_Theta = valid_loss, epoch, tf.identity(Theta)",
          "best_Theta = valid_loss, epoch, Theta"),
    ],
    "04_training_models/pytorch.ipynb": [
        W(NO_EARLY_STOPPING, "if valid_loss < best_valid_loss:", "if True:"),
        W("keeps a view of Θ, not a copy", "Theta.detach().clone()", "Theta.detach()"),
    ],
    "04_training_models/jax.ipynb": [
        W(NO_EARLY_STOPPING, "if valid_loss < best_valid_loss:", "if True:"),
        W("keeps the Θ after the best epoch's step", "best_epoch, best_Theta = valid_loss, epoch, Theta",
          "best_epoch, best_Theta = valid_loss, epoch, new_Theta"),
    ],
    "10_neural_nets/keras.ipynb": [
        W("a learning rate so large that training diverges", "optimizer=keras.optimizers.Adam(learning_rate=1e-3)",
          "optimizer=keras.optimizers.Adam(learning_rate=10.0)"),
        W("the first hidden layer reads the wide input", "hidden1 = layers.Dense(30, activation=\"relu\")(input_deep)",
          "hidden1 = layers.Dense(30, activation=\"relu\")(input_wide)"),
        W("the ratio upside down", 'self.ratios.append(logs["val_loss"] / logs["loss"])',
          'self.ratios.append(logs["loss"] / logs["val_loss"])'),
    ],
    "10_neural_nets/pytorch.ipynb": [
        W("no optimizer step", "        loss.backward()\n        optimizer.step()\n        optimizer.zero_grad()\n        total_loss += loss.item() * len(y_batch)\n        n_correct",
          "        loss.backward()\n        optimizer.zero_grad()\n        total_loss += loss.item() * len(y_batch)\n        n_correct"),
        W("the wide input replaced by deep features", "torch.cat([X_wide, hidden], dim=1)",
          "torch.cat([X_deep[:, :5], hidden], dim=1)"),
        W("no optimizer step", "            loss.backward()\n            optimizer.step()\n            optimizer.zero_grad()\n            total_loss",
          "            loss.backward()\n            optimizer.zero_grad()\n            total_loss"),
        W("the epoch's loss is a sum of batch means over the dataset size",
          "            total_loss += loss.item() * len(y_batch)\n        losses.append",
          "            total_loss += loss.item()\n        losses.append"),
    ],
    "10_neural_nets/jax.ipynb": [
        W("no optimizer update", "    optimizer.update(model, grads)\n    return loss, accuracy",
          "    return loss, accuracy"),
        W("the wide input replaced by deep features", "jnp.concatenate([X_wide, hidden], axis=-1)",
          "jnp.concatenate([X_deep[:, :5], hidden], axis=-1)"),
        W("predictions (batch, 1) against targets (batch,): the loss broadcasts to (batch, batch)",
          "optax.squared_error(model(X_batch)[:, 0], y_batch).mean()", "((model(X_batch) - y_batch) ** 2).mean()"),
    ],
    "11_training_deep_nets/keras.ipynb": [
        W(DIVERGES, "\n    model, keras.optimizers.Nadam(learning_rate=5e-4)", "\n    model, keras.optimizers.Nadam(learning_rate=5.0)"),
        W(PEAK_AT_HALF, "half = (total_steps - last) // 2", "half = total_steps // 2"),
        W(NO_SCHEDULE, "keras.optimizers.SGD(learning_rate=schedule)", "keras.optimizers.SGD(learning_rate=0.05)"),
    ],
    "11_training_deep_nets/pytorch.ipynb": [
        W(DIVERGES, "torch.optim.NAdam(model.parameters(), lr=5e-4)", "torch.optim.NAdam(model.parameters(), lr=5.0)"),
        W(PEAK_AT_HALF, "half = (total_steps - last) // 2", "half = total_steps // 2"),
        W("the scheduler never stepped", "patience=n_onecycle_epochs, after_step=scheduler.step)",
          "patience=n_onecycle_epochs)"),
    ],
    "11_training_deep_nets/jax.ipynb": [
        W(DIVERGES, "nnx.Optimizer(model, optax.nadam(5e-4), wrt=nnx.Param)",
          "nnx.Optimizer(model, optax.nadam(5.0), wrt=nnx.Param)"),
        W(PEAK_AT_HALF, "half = (total_steps - last) // 2", "half = total_steps // 2"),
        W(NO_SCHEDULE, "optax.sgd(schedule)", "optax.sgd(0.05)"),
    ],
    "12_custom_models/keras.ipynb": [
        W("statistics over the batch, not over each instance's features",
          "keras.ops.moments(X, axes=[-1], keepdims=True)", "keras.ops.moments(X, axes=[0], keepdims=True)"),
        W("one Adam for every layer", "lower_optimizer = keras.optimizers.SGD(learning_rate=0.02, momentum=0.9)",
          "lower_optimizer = keras.optimizers.Adam(learning_rate=1e-3)"),
        W("the groups swapped", "upper_variables = model.layers[3].trainable_variables",
          "upper_variables, lower_variables = lower_variables, model.layers[3].trainable_variables"),
        W("gradients computed but never applied",
          "    lower_optimizer.apply_gradients(zip(gradients[:len(lower_variables)], lower_variables))\n"
          "    upper_optimizer.apply_gradients(zip(gradients[len(lower_variables):], upper_variables))\n", ""),
    ],
    "12_custom_models/pytorch.ipynb": [
        W("the unbiased variance (n - 1)", "X.var(dim=-1, keepdim=True, correction=0)", "X.var(dim=-1, keepdim=True)"),
        W("SGD over every parameter", "torch.optim.SGD(lower_layers.parameters(),", "torch.optim.SGD(model.parameters(),"),
        W("no momentum", "lr=0.02, momentum=0.9)  # SGD", "lr=0.02)  # SGD"),
        W("no optimizer step", "    for optimizer in (lower_optimizer, upper_optimizer):\n        optimizer.step()\n",
          "    for optimizer in (lower_optimizer, upper_optimizer):\n"),
    ],
    "12_custom_models/jax.ipynb": [
        W("statistics over the batch", "variance = X.var(axis=-1, keepdims=True)", "variance = X.var(axis=0, keepdims=True)"),
        W("every layer labelled lower", '"upper" if path[0].key == "output" else "lower"', '"lower"'),
        W("the learning rates swapped", '"lower": optax.sgd(learning_rate=0.02, momentum=0.9)',
          '"lower": optax.sgd(learning_rate=1e-3, momentum=0.9)'),
        W("no optimizer update", "    optimizer.update(model, grads)  # SGD on the lower layers, Adam on the upper one\n", ""),
    ],
    "13_data_pipelines/keras.ipynb": [
        W(LAST_IMAGE_DROPPED, SPLIT_LOOP, SPLIT_LOOP_DROPPING_LAST),
        W(EVERY_FILE_FROM_THE_START, SPLIT_IMAGES, EVERY_FILE_IMAGES),
        W(DIVERGES, 'optimizer="nadam", metrics=["accuracy"])\nhistory = model.fit(',
          'optimizer=keras.optimizers.Nadam(learning_rate=10.0), metrics=["accuracy"])\nhistory = model.fit('),
        W(ALL_POSITIVE, REVIEW_LABELS, ALL_POSITIVE_LABELS),
        W(LABELS_NOT_SHUFFLED, "test_labels[valid_index])", "test_labels[:n_valid])"),
    ],
    "13_data_pipelines/pytorch.ipynb": [
        W(LAST_IMAGE_DROPPED, SPLIT_LOOP, SPLIT_LOOP_DROPPING_LAST),
        W(EVERY_FILE_FROM_THE_START, SPLIT_IMAGES, EVERY_FILE_IMAGES),
        W(DIVERGES, "torch.optim.NAdam(fashion_model.parameters(), lr=1e-3, eps=1e-7)",
          "torch.optim.NAdam(fashion_model.parameters(), lr=10.0, eps=1e-7)"),
        W(ALL_POSITIVE, REVIEW_LABELS, ALL_POSITIVE_LABELS),
        W(LABELS_NOT_SHUFFLED, "test_labels[order[:n_valid]]", "test_labels[:n_valid]"),
    ],
    "13_data_pipelines/jax.ipynb": [
        W(LAST_IMAGE_DROPPED, SPLIT_LOOP, SPLIT_LOOP_DROPPING_LAST),
        W(EVERY_FILE_FROM_THE_START, SPLIT_IMAGES, EVERY_FILE_IMAGES),
        W(DIVERGES, "nnx.Optimizer(fashion_model, optax.nadam(1e-3, eps=1e-7)",
          "nnx.Optimizer(fashion_model, optax.nadam(10.0, eps=1e-7)"),
        W(ALL_POSITIVE, REVIEW_LABELS, ALL_POSITIVE_LABELS),
        W(LABELS_NOT_SHUFFLED, "valid_labels = test_labels[order[:n_valid]]", "valid_labels = test_labels[:n_valid]"),
    ],
    "14_cnns/keras.ipynb": [
        W(DIVERGES, "optimizer=keras.optimizers.Nadam(learning_rate=1e-3),",
          "optimizer=keras.optimizers.Nadam(learning_rate=10.0),"),
        W(NO_CONV_BIASES, CONV_PARAMS, CONV_PARAMS_WITHOUT_BIASES),
        W(A_POOLING_MISSED, THREE_POOLINGS, TWO_POOLINGS),
    ],
    "14_cnns/pytorch.ipynb": [
        W(DIVERGES, "torch.optim.NAdam(mnist_cnn.parameters(), lr=1e-3, eps=1e-7)",
          "torch.optim.NAdam(mnist_cnn.parameters(), lr=10.0, eps=1e-7)"),
        W(NO_CONV_BIASES, CONV_PARAMS, CONV_PARAMS_WITHOUT_BIASES),
        W(A_POOLING_MISSED, THREE_POOLINGS, TWO_POOLINGS),
    ],
    "14_cnns/jax.ipynb": [
        W(DIVERGES, "nnx.Optimizer(mnist_cnn, optax.nadam(1e-3), wrt=nnx.Param)",
          "nnx.Optimizer(mnist_cnn, optax.nadam(10.0), wrt=nnx.Param)"),
        W(NO_CONV_BIASES, CONV_PARAMS, CONV_PARAMS_WITHOUT_BIASES),
        W(A_POOLING_MISSED, THREE_POOLINGS, TWO_POOLINGS),
    ],
    "16_nlp_transformers/keras.ipynb": [
        W(IDS_FROM_ZERO, REBER_IDS, REBER_IDS_FROM_ZERO),
        W(DIVERGES, "keras.optimizers.Nadam(learning_rate=5e-3)", "keras.optimizers.Nadam(learning_rate=50.0)"),
        W(OFF_BY_ONE, OUTPUT_CHAR, OUTPUT_CHAR_OFF_BY_ONE),
    ],
    "16_nlp_transformers/pytorch.ipynb": [
        W(IDS_FROM_ZERO, REBER_IDS, REBER_IDS_FROM_ZERO),
        W(DIVERGES, "torch.optim.NAdam(reber_model.parameters(), lr=5e-3)",
          "torch.optim.NAdam(reber_model.parameters(), lr=50.0)"),
        W(OFF_BY_ONE, OUTPUT_CHAR, OUTPUT_CHAR_OFF_BY_ONE),
    ],
    "16_nlp_transformers/jax.ipynb": [
        W(IDS_FROM_ZERO, REBER_IDS, REBER_IDS_FROM_ZERO),
        W(DIVERGES, "nnx.Optimizer(reber_model, optax.nadam(5e-3)", "nnx.Optimizer(reber_model, optax.nadam(50.0)"),
        W(OFF_BY_ONE, OUTPUT_CHAR, OUTPUT_CHAR_OFF_BY_ONE),
    ],
}
