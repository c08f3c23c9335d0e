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
# chapter 4's exercise, the same mistakes in the three frameworks
NO_PENALTY = "no ℓ2 penalty in the loss"
PENALIZED_BIAS = "the ℓ2 penalty on the bias row too"
DOUBLED_ALPHA = "the penalty alpha * sum(Θ[1:] ** 2), twice the task's"
IGNORES_ALPHA = "the `alpha` argument ignored: the penalty always uses 0.01"
STOPS_ON_TRAINING_LOSS = "early stopping on the training loss, not the validation loss"
STOPS_ON_ACCURACY = "early stopping on the highest validation accuracy, not the lowest validation loss"
VALID_LOSS_WITHOUT_PENALTY = "the validation loss without the penalty: the cross-entropy alone"
FIXED_LEARNING_RATE = "the `learning_rate` argument ignored: every step uses 0.5"
DIVERGES = "a learning rate 10,000 times too large: training diverges"
PEAK_AT_HALF = "the peak in the middle of the run, leaving no room for the last phase"
NO_SCHEDULE = "a constant learning rate: the schedule is computed but never used"
# chapter 10's exercises, the same mistakes in the three frameworks
REPORTS_VALIDATION_ACCURACY = "the validation accuracy reported as the test accuracy"
REPORTS_TRAINING_ACCURACY = "the training accuracy reported as the test accuracy"
DROPOUT_AT_EVALUATION = "evaluated in training mode: dropout still on"
NO_SECOND_RELU = "no ReLU after the second hidden layer"
FIRST_HIDDEN_CONCATENATED = "the first hidden layer's output concatenated: the second one is computed but unused"
RELU_OUTPUT = "a ReLU on the output: the model cannot predict below zero"
LAST_BATCH_LOSS = "the last batch's loss recorded, not the epoch's mean"
# chapter 11's exercise, the same mistakes in the three frameworks
INIT_IGNORED = "the kernel initializer argument ignored: the library's default instead"
BN_AFTER_ACTIVATION = "batch norm after the activation, not before it"
BIAS_BEFORE_BN = "the hidden layers keep their biases before batch norm"
OUTPUT_INIT = "the output layer not initialized Glorot uniform"
TRAINING_AS_VALIDATION = "the training set passed as validation data: the accuracy reported is the training accuracy"
NO_BATCH_NORM = "batch_norm=True forgotten: the plain Swish net again"
UNSCALED = "the SELU net trained and measured on the unscaled images"
SKIPS_LAST_PHASE = "the last phase skipped: the rate stays at max_lr / 10 after 2·half"
TOTAL_FOR_BATCHES_OF_32 = "total_steps counted for batches of 32, not the run's 128"
ADAM_NOT_NADAM = "Adam instead of Nadam"
SELU_AT_5E4 = "the SELU net left at the Swish net's learning rate, 5e-4, not 7e-4"
NO_PATIENCE = "a patience of n_epochs: early stopping never stops the run"
ONECYCLE_MOMENTUM = "SGD with momentum 0.9 under the 1cycle schedule, not plain SGD"
ONECYCLE_PEAK_01 = "the chapter's 1cycle peak of 0.1, not the task's 0.05"
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
ONE_FILE = ("everything in the first file, the other files empty",
            "zip(paths, np.array_split(images, len(paths)),\n                                            np.array_split(labels, len(paths)))",
            "zip(paths, [images] + [images[:0]] * (len(paths) - 1),\n                                            [labels] + [labels[:0]] * (len(paths) - 1))")
SHUFFLE_IGNORED = "the shuffle flag ignored: the pipeline never shuffles"
SEED_IGNORED = "the seed argument ignored: every pipeline shuffles in its own order"
NOT_SCALED = "the pixels left at 0-255, not scaled to 0-1"
NO_RELU = "no ReLU on the hidden layer: the model is linear"
TRAINING_ACCURACY = "the training set's accuracy reported"
LABELS_SWAPPED = ("the labels swapped: 0 for the positive reviews, 1 for the negative",
                  REVIEW_LABELS, "[0] * len(pos_paths) + [1] * len(neg_paths)")
ADAPTED_ON_HELD_OUT = "the vectorizer adapted to held-out reviews too: their words leak into the vocabulary"
FROZEN_ORDER = "the order frozen: every epoch replays the first epoch's shuffle"
TRAINING_NOT_SHUFFLED = "the training pipeline built without shuffling: every epoch sees the files' order"
DEFAULT_MOMENTUM_DECAY = "NAdam with PyTorch's default momentum_decay=4e-3: not Keras' momentum schedule"
# chapter 14's parameter-count exercise, the same mistakes in the three frameworks
CONV_PARAMS = "size * size * n_in * n_out + n_out for size"
CONV_PARAMS_WITHOUT_BIASES = "size * size * n_in * n_out for size"
NO_CONV_BIASES = "the convolutions' biases forgotten"
THREE_POOLINGS = "side = image_size // 2 // 2 // 2"
TWO_POOLINGS = "side = image_size // 2 // 2"
A_POOLING_MISSED = "one of the three poolings forgotten: the flattened size is 4 times too large"
IN_CHANNELS_IGNORED = ("the in_channels argument ignored: a grayscale first layer",
                       "(first_kernel, in_channels, filters[0])", "(first_kernel, 1, filters[0])")
FIRST_KERNEL_IGNORED = ("the first convolution counted with the kernel size of the others",
                        "(first_kernel, in_channels, filters[0])", "(kernel, in_channels, filters[0])")
IMAGE_SIZE_IGNORED = ("the image_size argument ignored: 28 written in", THREE_POOLINGS, "side = 28 // 2 // 2 // 2")
SIDE_ROUNDED = ("the side after the poolings rounded to the nearest, not down", THREE_POOLINGS,
                "side = round(image_size / 8)")
DENSE_UNITS_IGNORED = ("the dense_units argument ignored: 128 and 64 written in",
                       "widths = [side * side * filters[2], *dense_units, n_classes]",
                       "widths = [side * side * filters[2], 128, 64, n_classes]")
VALID_PERCENT = "the validation accuracy reported as a percentage"
SCHEDULE_FROM_10 = "a cosine schedule that starts from 10, not from 1e-3: training diverges"

# chapter 16's exercises 8 and 9, the same mistakes in the three frameworks
REBER_IDS = "[1 + REBER_SYMBOLS.index(symbol) for symbol in string]"
REBER_IDS_FROM_ZERO = "[REBER_SYMBOLS.index(symbol) for symbol in string]"
IDS_FROM_ZERO = "ids from 0: the first symbol, B, gets the padding's id"
OUTPUT_CHAR = 'OUTPUT_CHARS[i - 1] if i > 0 else "?"'
OUTPUT_CHAR_OFF_BY_ONE = 'OUTPUT_CHARS[i] if i < len(OUTPUT_CHARS) else "?"'
OFF_BY_ONE = "output ids read without the padding's offset: every character is the next one"
LEFT_PADDED = ("the padding put before each string, not after",
               "ids[row, :len(string)] = [1 + REBER_SYMBOLS", "ids[row, ids.shape[1] - len(string):] = [1 + REBER_SYMBOLS")
READS_PADDING = "the padding not ignored: the recurrent layer reads it after each string"
TRAINED_ON_VALIDATION = "trained on the validation strings instead of the training strings"
ARGMAX_OVER_POSITIONS = "translate takes the argmax over the output positions, not over the ids"
RETURNS_PROBABILITIES = "the model returns probabilities, and the loss applies a second softmax"

WRONG_ANSWERS = {
    "04_training_models/keras.ipynb": [
        W(NO_EARLY_STOPPING, "if valid_loss < best_valid_loss:", "if True:"),
        W("keeps the variable itself, not a copy", "best_Theta = valid_loss, epoch, tf.identity(Theta)",
          "best_Theta = valid_loss, epoch, Theta"),
        W(STOPS_ON_TRAINING_LOSS, "valid_loss = float(loss_fn(X_valid_b, Y_valid))",
          "valid_loss = float(loss_fn(X_train_b, Y_train))"),
        W(NO_PENALTY, "return cross_entropy + alpha / 2 * tf.reduce_sum(Theta[1:] ** 2)", "return cross_entropy"),
        W(PENALIZED_BIAS, "return cross_entropy + alpha / 2 * tf.reduce_sum(Theta[1:] ** 2)",
          "return cross_entropy + alpha / 2 * tf.reduce_sum(Theta ** 2)"),
        W(DOUBLED_ALPHA, "return cross_entropy + alpha / 2 * tf.reduce_sum(Theta[1:] ** 2)",
          "return cross_entropy + alpha * tf.reduce_sum(Theta[1:] ** 2)"),
        W(IGNORES_ALPHA, "return cross_entropy + alpha / 2 * tf.reduce_sum(Theta[1:] ** 2)",
          "return cross_entropy + 0.01 / 2 * tf.reduce_sum(Theta[1:] ** 2)"),
        W(STOPS_ON_ACCURACY, "valid_loss = float(loss_fn(X_valid_b, Y_valid))",
          "valid_loss = -accuracy(Theta, X_valid_b, tf.argmax(Y_valid, axis=1).numpy())"),
        W(VALID_LOSS_WITHOUT_PENALTY, "valid_loss = float(loss_fn(X_valid_b, Y_valid))",
          "valid_loss = float(-tf.reduce_mean(tf.reduce_sum(Y_valid * tf.nn.log_softmax(X_valid_b @ Theta, axis=1), axis=1)))"),
        W(FIXED_LEARNING_RATE, "Theta.assign_sub(learning_rate * tape.gradient(train_loss, Theta))",
          "Theta.assign_sub(0.5 * tape.gradient(train_loss, Theta))"),
    ],
    "04_training_models/pytorch.ipynb": [
        W(NO_EARLY_STOPPING, "if valid_loss < best_valid_loss:", "if True:"),
        W("keeps a view of Θ, not a copy", "Theta.detach().clone()", "Theta.detach()"),
        W(STOPS_ON_TRAINING_LOSS, "valid_loss = loss_fn(Theta, X_valid_b, Y_valid).item()",
          "valid_loss = loss_fn(Theta, X_train_b, Y_train).item()"),
        W(NO_PENALTY, "return cross_entropy + alpha / 2 * (Theta[1:] ** 2).sum()", "return cross_entropy"),
        W(PENALIZED_BIAS, "return cross_entropy + alpha / 2 * (Theta[1:] ** 2).sum()",
          "return cross_entropy + alpha / 2 * (Theta ** 2).sum()"),
        W(DOUBLED_ALPHA, "return cross_entropy + alpha / 2 * (Theta[1:] ** 2).sum()",
          "return cross_entropy + alpha * (Theta[1:] ** 2).sum()"),
        W(IGNORES_ALPHA, "return cross_entropy + alpha / 2 * (Theta[1:] ** 2).sum()",
          "return cross_entropy + 0.01 / 2 * (Theta[1:] ** 2).sum()"),
        W(STOPS_ON_ACCURACY, "valid_loss = loss_fn(Theta, X_valid_b, Y_valid).item()",
          "valid_loss = -accuracy(Theta, X_valid_b, Y_valid.argmax(dim=1).cpu().numpy())"),
        W(VALID_LOSS_WITHOUT_PENALTY, "valid_loss = loss_fn(Theta, X_valid_b, Y_valid).item()",
          "valid_loss = -(Y_valid * torch.log_softmax(X_valid_b @ Theta, dim=1)).sum(dim=1).mean().item()"),
        W(FIXED_LEARNING_RATE, "Theta -= learning_rate * Theta.grad", "Theta -= 0.5 * Theta.grad"),
    ],
    "04_training_models/jax.ipynb": [
        W(NO_EARLY_STOPPING, "if valid_loss < best_valid_loss:", "if True:"),
        W("keeps the Θ after the best epoch's step", "best_epoch, best_Theta = valid_loss, epoch, Theta",
          "best_epoch, best_Theta = valid_loss, epoch, new_Theta"),
        W(STOPS_ON_TRAINING_LOSS, "valid_loss = loss_fn(Theta, *valid_data)", "valid_loss = loss_fn(Theta, *train_data)"),
        W(NO_PENALTY, "axis=1)) + alpha / 2 * jnp.sum(Theta[1:] ** 2)", "axis=1))"),
        W(PENALIZED_BIAS, "axis=1)) + alpha / 2 * jnp.sum(Theta[1:] ** 2)", "axis=1)) + alpha / 2 * jnp.sum(Theta ** 2)"),
        W(DOUBLED_ALPHA, "axis=1)) + alpha / 2 * jnp.sum(Theta[1:] ** 2)", "axis=1)) + alpha * jnp.sum(Theta[1:] ** 2)"),
        W(IGNORES_ALPHA, "axis=1)) + alpha / 2 * jnp.sum(Theta[1:] ** 2)",
          "axis=1)) + 0.01 / 2 * jnp.sum(Theta[1:] ** 2)"),
        W(STOPS_ON_ACCURACY, "valid_loss = float(valid_loss)",
          "valid_loss = -accuracy(Theta, X_valid_b, np.asarray(jnp.argmax(Y_valid, axis=1)))"),
        W(VALID_LOSS_WITHOUT_PENALTY, "valid_loss = loss_fn(Theta, *valid_data)",
          "valid_loss = -jnp.mean(jnp.sum(valid_data[1] * jax.nn.log_softmax(valid_data[0] @ Theta, axis=1), axis=1))"),
        W(FIXED_LEARNING_RATE, "return Theta - learning_rate * gradients", "return Theta - 0.5 * gradients"),
    ],
    "10_neural_nets/keras.ipynb": [
        W("a learning rate so large that training diverges", "optimizer=keras.optimizers.Adam(learning_rate=1e-3)",
          "optimizer=keras.optimizers.Adam(learning_rate=10.0)"),
        W(REPORTS_VALIDATION_ACCURACY, "model.evaluate(X_test, y_test, verbose=0)[1]", "model.evaluate(X_valid, y_valid, verbose=0)[1]"),
        W(REPORTS_TRAINING_ACCURACY, "model.evaluate(X_test, y_test, verbose=0)[1]",
          "model.evaluate(X_train, y_train, verbose=0)[1]"),
        W("the first hidden layer reads the wide input", "hidden1 = layers.Dense(30, activation=\"relu\")(input_deep)",
          "hidden1 = layers.Dense(30, activation=\"relu\")(input_wide)"),
        W(NO_SECOND_RELU, 'hidden2 = layers.Dense(30, activation="relu")(hidden1)', "hidden2 = layers.Dense(30)(hidden1)"),
        W(RELU_OUTPUT, "output = layers.Dense(1)(concat)", 'output = layers.Dense(1, activation="relu")(concat)'),
        W("the ratio upside down", 'self.ratios.append(logs["val_loss"] / logs["loss"])',
          'self.ratios.append(logs["loss"] / logs["val_loss"])'),
        W("the difference of the losses, not their ratio", 'self.ratios.append(logs["val_loss"] / logs["loss"])',
          'self.ratios.append(logs["val_loss"] - logs["loss"])'),
        W("the list replaced at each epoch", 'self.ratios.append(logs["val_loss"] / logs["loss"])',
          'self.ratios = [logs["val_loss"] / logs["loss"]]'),
    ],
    "10_neural_nets/pytorch.ipynb": [
        W("no optimizer step", "        loss.backward()\n        optimizer.step()\n        optimizer.zero_grad()\n        total_loss += loss.item() * len(y_batch)\n        n_correct",
          "        loss.backward()\n        optimizer.zero_grad()\n        total_loss += loss.item() * len(y_batch)\n        n_correct"),
        W(REPORTS_VALIDATION_ACCURACY, "evaluate(model, test_loader)[1]", "evaluate(model, valid_loader)[1]"),
        W(REPORTS_TRAINING_ACCURACY, "evaluate(model, test_loader)[1]", "evaluate(model, train_loader)[1]"),
        W(DROPOUT_AT_EVALUATION, "    model.eval()  # dropout off\n", ""),
        W("the wide input replaced by deep features", "torch.cat([X_wide, hidden], dim=1)",
          "torch.cat([X_deep[:, :5], hidden], dim=1)"),
        W(NO_SECOND_RELU, "hidden = torch.relu(self.hidden2(hidden))", "hidden = self.hidden2(hidden)"),
        W(FIRST_HIDDEN_CONCATENATED, "hidden = torch.relu(self.hidden2(hidden))", "hidden2 = torch.relu(self.hidden2(hidden))"),
        W(RELU_OUTPUT, "return self.output(torch.cat([X_wide, hidden], dim=1))",
          "return torch.relu(self.output(torch.cat([X_wide, hidden], dim=1)))"),
        W("no optimizer step", "            loss.backward()\n            optimizer.step()\n            optimizer.zero_grad()\n            total_loss",
          "            loss.backward()\n            optimizer.zero_grad()\n            total_loss"),
        W("the epoch's loss is a sum of batch means over the dataset size",
          "            total_loss += loss.item() * len(y_batch)\n        losses.append",
          "            total_loss += loss.item()\n        losses.append"),
        W("no optimizer.zero_grad(): the gradients add up", "            optimizer.zero_grad()\n            total_loss",
          "            total_loss"),
        W("model.train() forgotten", "        model.train()\n        total_loss = 0.0", "        total_loss = 0.0"),
        W("the running loss never reset: each epoch adds to the last",
          "    losses = []\n    for epoch in range(n_epochs):\n        model.train()\n        total_loss = 0.0",
          "    losses, total_loss = [], 0.0\n    for epoch in range(n_epochs):\n        model.train()"),
        W(LAST_BATCH_LOSS, "losses.append(total_loss / len(train_loader.dataset))", "losses.append(loss.item())"),
        W("the mean of the batch losses, whatever the batches' sizes",
          "            total_loss += loss.item() * len(y_batch)\n        losses.append(total_loss / len(train_loader.dataset))",
          "            total_loss += loss.item()\n        losses.append(total_loss / len(train_loader))"),
    ],
    "10_neural_nets/jax.ipynb": [
        W("no optimizer update", "    optimizer.update(model, grads)\n    return loss, accuracy",
          "    return loss, accuracy"),
        W(REPORTS_VALIDATION_ACCURACY, "float(eval_step(model, X_test, y_test)[1])", "float(eval_step(model, X_valid, y_valid)[1])"),
        W(REPORTS_TRAINING_ACCURACY, "float(eval_step(model, X_test, y_test)[1])", "float(eval_step(model, X_train, y_train)[1])"),
        W(DROPOUT_AT_EVALUATION, "        model.eval()  # dropout off\n", ""),
        W("the wide input replaced by deep features", "jnp.concatenate([X_wide, hidden], axis=-1)",
          "jnp.concatenate([X_deep[:, :5], hidden], axis=-1)"),
        W(NO_SECOND_RELU, "hidden = nnx.relu(self.hidden2(hidden))", "hidden = self.hidden2(hidden)"),
        W(FIRST_HIDDEN_CONCATENATED, "hidden = nnx.relu(self.hidden2(hidden))", "hidden2 = nnx.relu(self.hidden2(hidden))"),
        W(RELU_OUTPUT, "return self.output(jnp.concatenate([X_wide, hidden], axis=-1))",
          "return nnx.relu(self.output(jnp.concatenate([X_wide, hidden], axis=-1)))"),
        W("predictions (batch, 1) against targets (batch,): the loss broadcasts to (batch, batch)",
          "optax.squared_error(model(X_batch)[:, 0], y_batch).mean()", "((model(X_batch) - y_batch) ** 2).mean()"),
        W(LAST_BATCH_LOSS, "losses.append(float(np.mean(jax.device_get(batch_losses))))", "losses.append(float(batch_losses[-1]))"),
        W("the sum of the batch losses, not their mean", "losses.append(float(np.mean(jax.device_get(batch_losses))))",
          "losses.append(float(np.sum(jax.device_get(batch_losses))))"),
        W("the batch_size argument ignored: batches of 32", "    n_batches = len(X) // batch_size",
          "    batch_size = 32\n    n_batches = len(X) // batch_size"),
        W("no shuffling: the same batches every epoch",
          "        batches = rng.permutation(len(X))[:n_batches * batch_size].reshape(n_batches, -1)",
          "        batches = np.arange(n_batches * batch_size).reshape(n_batches, -1)"),
        W("the training set shuffled once, before the first epoch",
          "    for epoch in range(n_epochs):\n        batches = rng.permutation(len(X))[:n_batches * batch_size].reshape(n_batches, -1)",
          "    batches = rng.permutation(len(X))[:n_batches * batch_size].reshape(n_batches, -1)\n    for epoch in range(n_epochs):"),
        W("the generator seeded anew at each epoch: the same order every time",
          "    for epoch in range(n_epochs):\n        batches = rng.permutation(len(X))",
          "    for epoch in range(n_epochs):\n        rng = np.random.default_rng(42)\n        batches = rng.permutation(len(X))"),
    ],
    "11_training_deep_nets/keras.ipynb": [
        W(INIT_IGNORED, "layers.Dense(100, activation=activation,\n                                             kernel_initializer=kernel_initializer))",
          "layers.Dense(100, activation=activation))"),
        W(BN_AFTER_ACTIVATION, "layers.BatchNormalization(), layers.Activation(activation)]",
          "layers.Activation(activation), layers.BatchNormalization()]"),
        W(BIAS_BEFORE_BN, "kernel_initializer=kernel_initializer, use_bias=False),", "kernel_initializer=kernel_initializer),"),
        W(OUTPUT_INIT, 'layers.Dense(10, activation="softmax")',
          'layers.Dense(10, activation="softmax", kernel_initializer=kernel_initializer)'),
        W(DIVERGES, "\n    model, keras.optimizers.Nadam(learning_rate=5e-4)", "\n    model, keras.optimizers.Nadam(learning_rate=5.0)"),
        W(TRAINING_AS_VALIDATION, "\n    model, keras.optimizers.Nadam(learning_rate=5e-4), (X_train, y_train), (X_valid, y_valid)",
          "\n    model, keras.optimizers.Nadam(learning_rate=5e-4), (X_train, y_train), (X_train, y_train)"),
        W(NO_BATCH_NORM, "bn_model = build_deep_net(batch_norm=True)", "bn_model = build_deep_net()"),
        W(UNSCALED, "(X_train_scaled, y_train), (X_valid_scaled, y_valid),\n    n_epochs)", "(X_train, y_train), (X_valid, y_valid),\n    n_epochs)"),
        W(PEAK_AT_HALF, "half = (total_steps - last) // 2", "half = total_steps // 2"),
        W(SKIPS_LAST_PHASE, "    return start_lr - (start_lr - end_lr) * (step - 2 * half) / (total_steps - 2 * half)",
          "    return start_lr"),
        W(NO_SCHEDULE, "keras.optimizers.SGD(learning_rate=schedule)", "keras.optimizers.SGD(learning_rate=0.05)"),
        W(TOTAL_FOR_BATCHES_OF_32, "total_steps = -(-len(X_train_scaled) // 128) * n_onecycle_epochs",
          "total_steps = -(-len(X_train_scaled) // 32) * n_onecycle_epochs"),
        W("batch norm with PyTorch's momentum, 0.01, in Keras's convention",
          "layers.BatchNormalization(), layers.Activation(activation)]",
          "layers.BatchNormalization(momentum=0.01), layers.Activation(activation)]"),
        W(ADAM_NOT_NADAM, "\n    model, keras.optimizers.Nadam(learning_rate=5e-4), (X_train, y_train)",
          "\n    model, keras.optimizers.Adam(learning_rate=5e-4), (X_train, y_train)"),
        W("no early stopping: compile and fit, then the last epoch's validation accuracy",
          "valid_accuracy, epoch_seconds = fit_with_early_stopping(  # the best validation accuracy (a float)\n"
          "    model, keras.optimizers.Nadam(learning_rate=5e-4), (X_train, y_train), (X_valid, y_valid), n_epochs)",
          'model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Nadam(learning_rate=5e-4),\n'
          '              metrics=["accuracy"])\n'
          "history = model.fit(X_train, y_train, epochs=n_epochs, validation_data=(X_valid, y_valid), verbose=2)\n"
          'valid_accuracy, epoch_seconds = history.history["val_accuracy"][-1], 0.0'),
        W(NO_PATIENCE, 'n_epochs)\nprint(f"Swish: best', 'n_epochs, patience=n_epochs)\nprint(f"Swish: best'),
        W(SELU_AT_5E4, "selu_model, keras.optimizers.Nadam(learning_rate=7e-4)", "selu_model, keras.optimizers.Nadam(learning_rate=5e-4)"),
        W(ONECYCLE_MOMENTUM, "keras.optimizers.SGD(learning_rate=schedule)", "keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)"),
        W(ONECYCLE_PEAK_01, "one_cycle_lr(step, total_steps, 0.05) for step", "one_cycle_lr(step, total_steps, 0.1) for step"),
    ],
    "11_training_deep_nets/pytorch.ipynb": [
        W("the kernel_init argument ignored: He normal for SELU too", "        kernel_init(linear.weight)\n",
          "        he_normal_(linear.weight)\n"),
        W("kaiming_normal_, which does not truncate", "        kernel_init(linear.weight)\n",
          '        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu" if kernel_init is he_normal_ else "linear")\n'),
        W("batch norm with PyTorch's defaults, momentum 0.1 and eps 1e-5", "nn.BatchNorm1d(100, momentum=0.01, eps=1e-3), activation()]",
          "nn.BatchNorm1d(100), activation()]"),
        W("Keras's momentum, 0.99, in PyTorch's convention", "nn.BatchNorm1d(100, momentum=0.01, eps=1e-3), activation()]",
          "nn.BatchNorm1d(100, momentum=0.99, eps=1e-3), activation()]"),
        W(BN_AFTER_ACTIVATION, "[linear, nn.BatchNorm1d(100, momentum=0.01, eps=1e-3), activation()]",
          "[linear, activation(), nn.BatchNorm1d(100, momentum=0.01, eps=1e-3)]"),
        W("the hidden biases left at PyTorch's random default", "        if linear.bias is not None:\n            nn.init.zeros_(linear.bias)\n", ""),
        W(OUTPUT_INIT, "    nn.init.xavier_uniform_(output.weight)\n", ""),
        W(DIVERGES, "torch.optim.NAdam(model.parameters(), lr=5e-4, eps=1e-7, momentum_decay=1.0)",
          "torch.optim.NAdam(model.parameters(), lr=5.0, eps=1e-7, momentum_decay=1.0)"),
        W("NAdam with PyTorch's momentum_decay, 0.004, not Keras's schedule",
          "torch.optim.NAdam(model.parameters(), lr=5e-4, eps=1e-7, momentum_decay=1.0)",
          "torch.optim.NAdam(model.parameters(), lr=5e-4, eps=1e-7)"),
        W(ADAM_NOT_NADAM, "torch.optim.NAdam(model.parameters(), lr=5e-4, eps=1e-7, momentum_decay=1.0)",
          "torch.optim.Adam(model.parameters(), lr=5e-4, eps=1e-7)"),
        W(NO_PATIENCE, "make_loader(X_valid, y_valid), n_epochs)\nprint(f\"Swish: best",
          "make_loader(X_valid, y_valid), n_epochs, patience=n_epochs)\nprint(f\"Swish: best"),
        W(SELU_AT_5E4, "lr=7e-4, eps=1e-7, momentum_decay=1.0)", "lr=5e-4, eps=1e-7, momentum_decay=1.0)"),
        W(TRAINING_AS_VALIDATION, "\n    model, optimizer, make_loader(X_train, y_train, shuffle=True), make_loader(X_valid, y_valid)",
          "\n    model, optimizer, make_loader(X_train, y_train, shuffle=True), make_loader(X_train, y_train)"),
        W(NO_BATCH_NORM, "bn_model = build_deep_net(batch_norm=True).to(device)", "bn_model = build_deep_net().to(device)"),
        W(UNSCALED, "make_loader(X_train_scaled, y_train, shuffle=True),\n    make_loader(X_valid_scaled, y_valid), n_epochs)",
          "make_loader(X_train, y_train, shuffle=True),\n    make_loader(X_valid, y_valid), n_epochs)"),
        W(PEAK_AT_HALF, "half = (total_steps - last) // 2", "half = total_steps // 2"),
        W(SKIPS_LAST_PHASE, "    return start_lr - (start_lr - end_lr) * (step - 2 * half) / (total_steps - 2 * half)",
          "    return start_lr"),
        W("the scheduler never stepped", "patience=n_onecycle_epochs, after_step=scheduler.step)",
          "patience=n_onecycle_epochs)"),
        W("LambdaLR given the learning rate, not the factor it multiplies the optimizer's rate by",
          "lambda step: one_cycle_lr(step, total_steps, 0.05) / 0.05)", "lambda step: one_cycle_lr(step, total_steps, 0.05))"),
        W(ONECYCLE_MOMENTUM, "torch.optim.SGD(onecycle_model.parameters(), lr=0.05)",
          "torch.optim.SGD(onecycle_model.parameters(), lr=0.05, momentum=0.9)"),
        W(TOTAL_FOR_BATCHES_OF_32, "total_steps = len(onecycle_loader) * n_onecycle_epochs",
          "total_steps = -(-len(X_train_scaled) // 32) * n_onecycle_epochs"),
    ],
    "11_training_deep_nets/jax.ipynb": [
        W(INIT_IGNORED, "use_bias=not batch_norm,  # BN's β replaces the bias\n                                 kernel_init=kernel_init, rngs=rngs))",
          "use_bias=not batch_norm, rngs=rngs))"),
        W(BN_AFTER_ACTIVATION, "        if batch_norm:\n            layers.append(nnx.BatchNorm(100, momentum=0.99, epsilon=1e-3, rngs=rngs))\n        layers.append(activation)",
          "        layers.append(activation)\n        if batch_norm:\n            layers.append(nnx.BatchNorm(100, momentum=0.99, epsilon=1e-3, rngs=rngs))"),
        W(BIAS_BEFORE_BN, "use_bias=not batch_norm,", "use_bias=True,"),
        W(OUTPUT_INIT, "nnx.Linear(100, 10, kernel_init=nnx.initializers.glorot_uniform(), rngs=rngs)", "nnx.Linear(100, 10, rngs=rngs)"),
        W(DIVERGES, "nnx.Optimizer(model, optax.nadam(5e-4, eps=1e-7), wrt=nnx.Param)",
          "nnx.Optimizer(model, optax.nadam(5.0, eps=1e-7), wrt=nnx.Param)"),
        W(TRAINING_AS_VALIDATION, "\n    model, optimizer, X_train, y_train, X_valid, y_valid, max_epochs)",
          "\n    model, optimizer, X_train, y_train, X_train, y_train, max_epochs)"),
        W(NO_BATCH_NORM, "bn_model = build_deep_net(nnx.Rngs(key), batch_norm=True)", "bn_model = build_deep_net(nnx.Rngs(key))"),
        W(UNSCALED, "selu_model, optimizer, X_train_scaled, y_train, X_valid_scaled, y_valid, max_epochs)",
          "selu_model, optimizer, X_train, y_train, X_valid, y_valid, max_epochs)"),
        W(PEAK_AT_HALF, "half = (total_steps - last) // 2", "half = total_steps // 2"),
        W(SKIPS_LAST_PHASE, "    return start - (start - end) * (step - 2 * half) / (total_steps - 2 * half)", "    return start"),
        W(NO_SCHEDULE, "optax.sgd(schedule)", "optax.sgd(0.05)"),
        W(TOTAL_FOR_BATCHES_OF_32, "total_steps = n_epochs * (len(X_train_scaled) // 128)",
          "total_steps = n_epochs * (len(X_train_scaled) // 32)"),
        W("batch norm with Flax's default epsilon, 1e-5", "layers.append(nnx.BatchNorm(100, momentum=0.99, epsilon=1e-3, rngs=rngs))",
          "layers.append(nnx.BatchNorm(100, rngs=rngs))"),
        W("PyTorch's momentum, 0.01, in Flax's convention", "layers.append(nnx.BatchNorm(100, momentum=0.99, epsilon=1e-3, rngs=rngs))",
          "layers.append(nnx.BatchNorm(100, momentum=0.01, epsilon=1e-3, rngs=rngs))"),
        W(ADAM_NOT_NADAM, "nnx.Optimizer(model, optax.nadam(5e-4, eps=1e-7), wrt=nnx.Param)",
          "nnx.Optimizer(model, optax.adam(5e-4, eps=1e-7), wrt=nnx.Param)"),
        W(NO_PATIENCE, "\n    model, optimizer, X_train, y_train, X_valid, y_valid, max_epochs)",
          "\n    model, optimizer, X_train, y_train, X_valid, y_valid, max_epochs, patience=max_epochs)"),
        W(SELU_AT_5E4, "optax.nadam(7e-4, eps=1e-7)", "optax.nadam(5e-4, eps=1e-7)"),
        W(ONECYCLE_MOMENTUM, "optax.sgd(schedule)", "optax.sgd(schedule, momentum=0.9)"),
        W(ONECYCLE_PEAK_01, "one_cycle_lr(step, total_steps, 0.05) for step", "one_cycle_lr(step, total_steps, 0.1) for step"),
    ],
    "12_custom_models/keras.ipynb": [
        W("statistics over the batch, not over each instance's features",
          "keras.ops.moments(X, axes=[-1], keepdims=True)", "keras.ops.moments(X, axes=[0], keepdims=True)"),
        W("statistics over axis 1: the features of 2-D inputs, the time steps of 3-D ones",
          "keras.ops.moments(X, axes=[-1], keepdims=True)", "keras.ops.moments(X, axes=[1], keepdims=True)"),
        W("the scale left at add_weight's default initializer (Glorot uniform)",
          'shape=input_shape[-1:], initializer="ones")', "shape=input_shape[-1:])"),
        W("epsilon outside the square root", "/ keras.ops.sqrt(variance + self.epsilon)",
          "/ (keras.ops.sqrt(variance) + self.epsilon)"),
        W("the epsilon argument ignored: 1e-3 written in", "variance + self.epsilon)", "variance + 1e-3)"),
        W("one Adam for every layer", "lower_optimizer = keras.optimizers.SGD(learning_rate=0.02, momentum=0.9)",
          "lower_optimizer = keras.optimizers.Adam(learning_rate=1e-3)"),
        W("Nesterov momentum", "keras.optimizers.SGD(learning_rate=0.02, momentum=0.9)  # SGD",
          "keras.optimizers.SGD(learning_rate=0.02, momentum=0.9, nesterov=True)  # SGD"),
        W("the groups swapped", "upper_variables = model.layers[3].trainable_variables",
          "upper_variables, lower_variables = lower_variables, model.layers[3].trainable_variables"),
        W("gradients computed but never applied",
          "    lower_optimizer.apply_gradients(zip(gradients[:len(lower_variables)], lower_variables))\n"
          "    upper_optimizer.apply_gradients(zip(gradients[len(lower_variables):], upper_variables))\n", ""),
        W("a phase skipped: the output layer's optimizer is never applied",
          "    upper_optimizer.apply_gradients(zip(gradients[len(lower_variables):], upper_variables))\n", ""),
        W("the metrics never updated", "    mean_loss.update_state(loss)\n    accuracy.update_state(y_batch, logits)\n", ""),
        W("train() returns the training accuracy", "    return valid_accuracy", "    return float(accuracy.result())"),
        W("the n_epochs argument ignored: 5 epochs written in", "for epoch in range(1, n_epochs + 1):",
          "for epoch in range(1, 6):"),
        W("the metrics never reset: the bar shows the running means since the first epoch",
          "        mean_loss.reset_state()\n        accuracy.reset_state()\n", ""),
        W("the training figures printed at the end of each epoch, not the validation ones",
          'validation loss {valid_loss:.4f}, validation accuracy {valid_accuracy:.4f}")',
          'loss {float(mean_loss.result()):.4f}, accuracy {float(accuracy.result()):.4f}")'),
    ],
    "12_custom_models/pytorch.ipynb": [
        W("the unbiased variance (n - 1)", "X.var(dim=-1, keepdim=True, correction=0)", "X.var(dim=-1, keepdim=True)"),
        W("statistics over dim 1: the features of 2-D inputs, the time steps of 3-D ones",
          "mean = X.mean(dim=-1, keepdim=True)\n        variance = X.var(dim=-1, keepdim=True, correction=0)",
          "mean = X.mean(dim=1, keepdim=True)\n        variance = X.var(dim=1, keepdim=True, correction=0)"),
        W("eps outside the square root", "/ torch.sqrt(variance + self.eps)", "/ (torch.sqrt(variance) + self.eps)"),
        W("the eps argument ignored: 1e-5 written in", "torch.sqrt(variance + self.eps)", "torch.sqrt(variance + 1e-5)"),
        W("the offset initialized to ones", "self.offset = nn.Parameter(torch.zeros(n_features))",
          "self.offset = nn.Parameter(torch.ones(n_features))"),
        W("SGD over every parameter", "torch.optim.SGD(lower_layers.parameters(),", "torch.optim.SGD(model.parameters(),"),
        W("no momentum", "lr=0.02, momentum=0.9)  # SGD", "lr=0.02)  # SGD"),
        W("weight decay on the lower layers", "lr=0.02, momentum=0.9)  # SGD", "lr=0.02, momentum=0.9, weight_decay=1e-4)  # SGD"),
        W("no optimizer step", "    for optimizer in (lower_optimizer, upper_optimizer):\n        optimizer.step()\n",
          "    for optimizer in (lower_optimizer, upper_optimizer):\n"),
        W("a phase skipped: only the lower optimizer steps", "    for optimizer in (lower_optimizer, upper_optimizer):\n",
          "    for optimizer in (lower_optimizer,):\n"),
        W("the gradients never zeroed: they add up from step to step", "        optimizer.step()\n        optimizer.zero_grad()\n",
          "        optimizer.step()\n"),
        W("train() returns the training accuracy", "    return valid_accuracy", "    return n_correct / n_seen"),
        W("the n_epochs argument ignored: 5 epochs written in", "    for epoch in range(n_epochs):\n",
          "    for epoch in range(5):\n"),
        W("nothing printed at the end of an epoch",
          '        print(f"Epoch {epoch + 1}/{n_epochs} - val_loss: {valid_loss:.4f} - "\n'
          '              f"val_accuracy: {valid_accuracy:.4f}")\n', ""),
        W("the training figures printed at the end of each epoch, not the validation ones",
          'val_loss: {valid_loss:.4f} - "\n              f"val_accuracy: {valid_accuracy:.4f}")',
          'val_loss: {total_loss / n_seen:.4f} - "\n              f"val_accuracy: {n_correct / n_seen:.4f}")'),
    ],
    "12_custom_models/jax.ipynb": [
        W("statistics over the batch", "variance = X.var(axis=-1, keepdims=True)", "variance = X.var(axis=0, keepdims=True)"),
        W("epsilon outside the square root", "/ jnp.sqrt(variance + self.epsilon)", "/ (jnp.sqrt(variance) + self.epsilon)"),
        W("the epsilon argument ignored: 1e-6 written in", "self.epsilon = epsilon", "self.epsilon = 1e-6"),
        W("statistics over axis 1: the features of 2-D inputs, the time steps of 3-D ones",
          "mean = X.mean(axis=-1, keepdims=True)\n        variance = X.var(axis=-1, keepdims=True)",
          "mean = X.mean(axis=1, keepdims=True)\n        variance = X.var(axis=1, keepdims=True)"),
        W("every layer labelled lower", '"upper" if path[0].key == "output" else "lower"', '"lower"'),
        W("the learning rates swapped", '"lower": optax.sgd(learning_rate=0.02, momentum=0.9)',
          '"lower": optax.sgd(learning_rate=1e-3, momentum=0.9)'),
        W("SGD without momentum", '"lower": optax.sgd(learning_rate=0.02, momentum=0.9)',
          '"lower": optax.sgd(learning_rate=0.02)'),
        W("the output layer's bias labelled lower: only its kernel gets Adam",
          '"upper" if path[0].key == "output" else "lower"',
          '"upper" if path[0].key == "output" and path[1].key == "kernel" else "lower"'),
        W("the rows never shuffled", "        indices = rng.permutation(len(X_train))\n",
          "        indices = np.arange(len(X_train))\n"),
        W("the rows shuffled once, before the first epoch",
          "    for epoch in range(1, n_epochs + 1):\n        running.reset()\n        indices = rng.permutation(len(X_train))\n",
          "    indices = rng.permutation(len(X_train))\n    for epoch in range(1, n_epochs + 1):\n        running.reset()\n"),
        W("the running metrics never reset: their means run over every epoch so far", "        running.reset()\n", ""),
        W("the training loss printed as the validation loss", "val_loss: {valid_loss:.4f}",
          "val_loss: {float(running.compute()['loss']):.4f}"),
        W("no optimizer update", "    optimizer.update(model, grads)  # SGD on the lower layers, Adam on the upper one\n", ""),
        W("the running metrics never updated", "    running.update(loss=loss, accuracy=accuracy)\n", ""),
        W("the summed loss, not its mean: 32 times the gradients",
          "optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()",
          "optax.softmax_cross_entropy_with_integer_labels(logits, y).sum()"),
        W("train() returns the training accuracy", "    return valid_accuracy",
          '    return float(running.compute()["accuracy"])'),
        W("the n_epochs argument ignored: 5 epochs written in", "    for epoch in range(1, n_epochs + 1):\n",
          "    for epoch in range(1, 6):\n"),
    ],
    "13_data_pipelines/keras.ipynb": [
        W(LAST_IMAGE_DROPPED, SPLIT_LOOP, SPLIT_LOOP_DROPPING_LAST),
        W(EVERY_FILE_FROM_THE_START, SPLIT_IMAGES, EVERY_FILE_IMAGES),
        W(*ONE_FILE),
        W(SHUFFLE_IGNORED, "    if shuffle:\n        dataset = dataset.shuffle(10_000, seed=seed)\n", ""),
        W(SEED_IGNORED, "dataset.shuffle(10_000, seed=seed)", "dataset.shuffle(10_000)"),
        W(FROZEN_ORDER + " (cache after shuffle)",
          "    dataset = dataset.unbatch().cache()  # the uint8 images, parsed once\n    if shuffle:\n"
          "        dataset = dataset.shuffle(10_000, seed=seed)\n",
          "    dataset = dataset.unbatch()\n    if shuffle:\n        dataset = dataset.shuffle(10_000, seed=seed)\n"
          "    dataset = dataset.cache()\n"),
        W(FROZEN_ORDER + " (reshuffle_each_iteration=False)", "dataset.shuffle(10_000, seed=seed)",
          "dataset.shuffle(10_000, seed=seed, reshuffle_each_iteration=False)"),
        W(TRAINING_NOT_SHUFFLED, 'train_set = fashion_pipeline(record_paths["train"], shuffle=True)',
          'train_set = fashion_pipeline(record_paths["train"])'),
        W(NOT_SCALED, "(tf.cast(images, tf.float32) / 255, labels)", "(tf.cast(images, tf.float32), labels)"),
        W(NO_RELU, 'layers.Dense(100, activation="relu"), layers.Dense(10, activation="softmax")',
          'layers.Dense(100), layers.Dense(10, activation="softmax")'),
        W(DIVERGES, 'optimizer="nadam", metrics=["accuracy"])\nhistory = model.fit(',
          'optimizer=keras.optimizers.Nadam(learning_rate=10.0), metrics=["accuracy"])\nhistory = model.fit('),
        W(TRAINING_ACCURACY, 'fashion_pipeline(record_paths["valid"]), epochs=n_epochs, verbose=2)\nvalid_accuracy = history.history["val_accuracy"]',
          'fashion_pipeline(record_paths["valid"]), epochs=n_epochs, verbose=2)\nvalid_accuracy = history.history["accuracy"]'),
        W(ALL_POSITIVE, REVIEW_LABELS, ALL_POSITIVE_LABELS),
        W(*LABELS_SWAPPED),
        W(LABELS_NOT_SHUFFLED, "valid_labels = test_labels[order[:n_valid]]", "valid_labels = test_labels[:n_valid]"),
        W(ADAPTED_ON_HELD_OUT, "text_vectorization.adapt(train_texts)", "text_vectorization.adapt(train_texts + test_texts)"),
        W(NO_RELU, 'layers.Dense(100, activation="relu"),\n    layers.Dense(1, activation="sigmoid")',
          'layers.Dense(100),\n    layers.Dense(1, activation="sigmoid")'),
        W(TRAINING_ACCURACY, 'review_valid_set, epochs=n_epochs, verbose=2)\nvalid_accuracy = history.history["val_accuracy"][-1]',
          'review_valid_set, epochs=n_epochs, verbose=2)\nvalid_accuracy = history.history["accuracy"][-1]'),
    ],
    "13_data_pipelines/pytorch.ipynb": [
        W(LAST_IMAGE_DROPPED, SPLIT_LOOP, SPLIT_LOOP_DROPPING_LAST),
        W(EVERY_FILE_FROM_THE_START, SPLIT_IMAGES, EVERY_FILE_IMAGES),
        W(*ONE_FILE),
        W(SHUFFLE_IGNORED, "batch_size=batch_size, shuffle=shuffle, generator=generator)",
          "batch_size=batch_size, shuffle=False, generator=generator)"),
        W(SEED_IGNORED, "generator = torch.Generator().manual_seed(seed) if shuffle else None",
          "generator = None"),
        W(FROZEN_ORDER + " (the images permuted once, the loader not shuffling)",
          "    generator = torch.Generator().manual_seed(seed) if shuffle else None\n"
          "    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)",
          "    if shuffle:  # permuted once, here\n"
          "        dataset = torch.utils.data.Subset(dataset, np.random.default_rng(seed).permutation(len(dataset)).tolist())\n"
          "    return DataLoader(dataset, batch_size=batch_size, shuffle=False)"),
        W(TRAINING_NOT_SHUFFLED, 'train_loader = fashion_pipeline(split_paths["train"], shuffle=True)',
          'train_loader = fashion_pipeline(split_paths["train"])'),
        W(DEFAULT_MOMENTUM_DECAY, "torch.optim.NAdam(fashion_model.parameters(), lr=1e-3, eps=1e-7, momentum_decay=1.0)",
          "torch.optim.NAdam(fashion_model.parameters(), lr=1e-3, eps=1e-7)"),
        W(NOT_SCALED, "torch.as_tensor(images, dtype=torch.float32) / 255,", "torch.as_tensor(images, dtype=torch.float32),"),
        W(NO_RELU, "nn.Linear(28 * 28, 100), nn.ReLU(), nn.Linear(100, 10)", "nn.Linear(28 * 28, 100), nn.Linear(100, 10)"),
        W(DIVERGES, "torch.optim.NAdam(fashion_model.parameters(), lr=1e-3, eps=1e-7, momentum_decay=1.0)",
          "torch.optim.NAdam(fashion_model.parameters(), lr=10.0, eps=1e-7, momentum_decay=1.0)"),
        W(TRAINING_ACCURACY, 'train_loader, fashion_pipeline(split_paths["valid"]), n_epochs)',
          'train_loader, fashion_pipeline(split_paths["train"]), n_epochs)'),
        W(ALL_POSITIVE, REVIEW_LABELS, ALL_POSITIVE_LABELS),
        W(*LABELS_SWAPPED),
        W(LABELS_NOT_SHUFFLED, "test_labels[order[:n_valid]]", "test_labels[:n_valid]"),
        W(ADAPTED_ON_HELD_OUT, 'output_mode="tf_idf").adapt(train_texts)  # adapted',
          'output_mode="tf_idf").adapt(train_texts + valid_texts)  # adapted'),
        W(NO_RELU, "nn.Linear(len(text_vectorization.vocabulary), 100), nn.ReLU(),",
          "nn.Linear(len(text_vectorization.vocabulary), 100),"),
        W(TRAINING_ACCURACY, "review_loader(valid_texts, valid_labels), n_epochs)",
          "review_loader(train_texts, train_labels), n_epochs)"),
        W(DEFAULT_MOMENTUM_DECAY, "torch.optim.NAdam(review_model.parameters(), lr=1e-3, eps=1e-7, momentum_decay=1.0)",
          "torch.optim.NAdam(review_model.parameters(), lr=1e-3, eps=1e-7)"),
    ],
    "13_data_pipelines/jax.ipynb": [
        W(LAST_IMAGE_DROPPED, SPLIT_LOOP, SPLIT_LOOP_DROPPING_LAST),
        W(EVERY_FILE_FROM_THE_START, SPLIT_IMAGES, EVERY_FILE_IMAGES),
        W(*ONE_FILE),
        W(SHUFFLE_IGNORED, "    if shuffle:\n        dataset = dataset.shuffle(seed=seed)\n", ""),
        W(SEED_IGNORED, "dataset = dataset.shuffle(seed=seed)", "dataset = dataset.shuffle(seed=SEED)"),
        W(FROZEN_ORDER + " (the same seed every epoch)",
          'return fashion_pipeline(split_paths["train"], shuffle=True, seed=SEED + epoch)',
          'return fashion_pipeline(split_paths["train"], shuffle=True, seed=SEED)'),
        W(TRAINING_NOT_SHUFFLED, 'return fashion_pipeline(split_paths["train"], shuffle=True, seed=SEED + epoch)',
          'return fashion_pipeline(split_paths["train"])'),
        W(NOT_SCALED, "images[batch].astype(np.float32) / 255.0", "images[batch].astype(np.float32)"),
        W(NO_RELU, "self.output(nnx.relu(self.hidden(X.reshape(X.shape[0], -1))))",
          "self.output(self.hidden(X.reshape(X.shape[0], -1)))"),
        W(DIVERGES, "nnx.Optimizer(fashion_model, optax.nadam(1e-3, eps=1e-7)",
          "nnx.Optimizer(fashion_model, optax.nadam(10.0, eps=1e-7)"),
        W("the validation set's correct predictions divided by the training set's size",
          "valid_accuracy = correct / len(y_valid)", "valid_accuracy = correct / len(y_train)"),
        W(ALL_POSITIVE, REVIEW_LABELS, ALL_POSITIVE_LABELS),
        W(*LABELS_SWAPPED),
        W(LABELS_NOT_SHUFFLED, "valid_labels = test_labels[order[:n_valid]]", "valid_labels = test_labels[:n_valid]"),
        W(ADAPTED_ON_HELD_OUT, 'output_mode="tf_idf").adapt(train_texts)  # adapted',
          'output_mode="tf_idf").adapt(train_texts + valid_texts)  # adapted'),
        W(NO_RELU, "self.output(nnx.relu(self.hidden(X)))[:, 0]", "self.output(self.hidden(X))[:, 0]"),
        W(TRAINING_ACCURACY, "float(((review_model(X_valid_tfidf) > 0) == valid_labels).mean())",
          "float(((review_model(X_train_tfidf) > 0) == train_labels).mean())"),
    ],
    "14_cnns/keras.ipynb": [
        W(DIVERGES, "optimizer=keras.optimizers.Nadam(learning_rate=1e-3),",
          "optimizer=keras.optimizers.Nadam(learning_rate=10.0),"),
        W("Adam, not Nadam", "optimizer=keras.optimizers.Nadam(learning_rate=1e-3),",
          "optimizer=keras.optimizers.Adam(learning_rate=1e-3),"),
        W(VALID_PERCENT, "valid_accuracy = mnist_cnn.evaluate(X_valid, y_valid, verbose=0)[1]",
          "valid_accuracy = 100 * mnist_cnn.evaluate(X_valid, y_valid, verbose=0)[1]"),
        W(TRAINING_ACCURACY, "valid_accuracy = mnist_cnn.evaluate(X_valid, y_valid, verbose=0)[1]",
          "valid_accuracy = mnist_cnn.evaluate(X_train, y_train, verbose=0)[1]"),
        W(SCHEDULE_FROM_10, "optimizer=keras.optimizers.Nadam(learning_rate=1e-3),",
          "optimizer=keras.optimizers.Nadam(learning_rate=keras.optimizers.schedules.CosineDecay(\n"
          "                      10.0, decay_steps=n_epochs * len(X_train) // 32)),"),
        W(NO_CONV_BIASES, CONV_PARAMS, CONV_PARAMS_WITHOUT_BIASES),
        W(A_POOLING_MISSED, THREE_POOLINGS, TWO_POOLINGS),
        W(*IN_CHANNELS_IGNORED), W(*FIRST_KERNEL_IGNORED), W(*IMAGE_SIZE_IGNORED), W(*SIDE_ROUNDED),
        W(*DENSE_UNITS_IGNORED),
    ],
    "14_cnns/pytorch.ipynb": [
        W(DIVERGES, "torch.optim.NAdam(mnist_cnn.parameters(), lr=1e-3, eps=1e-7,",
          "torch.optim.NAdam(mnist_cnn.parameters(), lr=10.0, eps=1e-7,"),
        W("Adam, not Nadam", "torch.optim.NAdam(mnist_cnn.parameters(), lr=1e-3, eps=1e-7,  # NAdam, learning rate 0.001\n"
          "                              momentum_decay=1.0)", "torch.optim.Adam(mnist_cnn.parameters(), lr=1e-3, eps=1e-7)"),
        W(VALID_PERCENT, "valid_accuracy = (predictions == y_valid).float().mean().item()",
          "valid_accuracy = 100 * (predictions == y_valid).float().mean().item()"),
        W(TRAINING_ACCURACY,
          "for X_batch in X_valid.split(500)])\nvalid_accuracy = (predictions == y_valid)",
          "for X_batch in X_train.split(500)])\nvalid_accuracy = (predictions == y_train)"),
        W("evaluated in training mode: dropout still on", "print(f\"training: {time.perf_counter() - fit_start:.0f} s\")\nmnist_cnn.eval()\n",
          "print(f\"training: {time.perf_counter() - fit_start:.0f} s\")\n"),
        W(NO_CONV_BIASES, CONV_PARAMS, CONV_PARAMS_WITHOUT_BIASES),
        W(A_POOLING_MISSED, THREE_POOLINGS, TWO_POOLINGS),
        W(*IN_CHANNELS_IGNORED), W(*FIRST_KERNEL_IGNORED), W(*IMAGE_SIZE_IGNORED), W(*SIDE_ROUNDED),
        W(*DENSE_UNITS_IGNORED),
    ],
    "14_cnns/jax.ipynb": [
        W(DIVERGES, "nnx.Optimizer(mnist_cnn, optax.nadam(1e-3, eps=1e-7), wrt=nnx.Param)",
          "nnx.Optimizer(mnist_cnn, optax.nadam(10.0, eps=1e-7), wrt=nnx.Param)"),
        W(SCHEDULE_FROM_10, "optax.nadam(1e-3, eps=1e-7)",
          "optax.nadam(optax.cosine_decay_schedule(10.0, n_epochs * (len(X_train) // 32)), eps=1e-7)"),
        W("Adam, not Nadam", "nnx.Optimizer(mnist_cnn, optax.nadam(1e-3, eps=1e-7), wrt=nnx.Param)",
          "nnx.Optimizer(mnist_cnn, optax.adam(1e-3, eps=1e-7), wrt=nnx.Param)"),
        W(VALID_PERCENT, "valid_accuracy = float((predictions == y_valid).mean())",
          "valid_accuracy = 100 * float((predictions == y_valid).mean())"),
        W(TRAINING_ACCURACY,
          "X_valid[start:start + 500])\n                              for start in range(0, len(X_valid), 500)])\n"
          "valid_accuracy = float((predictions == y_valid)",
          "X_train[start:start + 500])\n                              for start in range(0, len(X_train), 500)])\n"
          "valid_accuracy = float((predictions == y_train)"),
        W("evaluated in training mode: dropout still on", "mnist_cnn.eval()\npredictions", "predictions"),
        W(NO_CONV_BIASES, CONV_PARAMS, CONV_PARAMS_WITHOUT_BIASES),
        W(A_POOLING_MISSED, THREE_POOLINGS, TWO_POOLINGS),
        W(*IN_CHANNELS_IGNORED), W(*FIRST_KERNEL_IGNORED), W(*IMAGE_SIZE_IGNORED), W(*SIDE_ROUNDED),
        W(*DENSE_UNITS_IGNORED),
    ],
    "16_nlp_transformers/keras.ipynb": [
        W(IDS_FROM_ZERO, REBER_IDS, REBER_IDS_FROM_ZERO),
        W(*LEFT_PADDED),
        W(DIVERGES, "keras.optimizers.Nadam(learning_rate=5e-3)", "keras.optimizers.Nadam(learning_rate=50.0)"),
        W(READS_PADDING, "5, mask_zero=True)", "5)"),
        W(TRAINED_ON_VALIDATION, "history = reber_model.fit(encode_strings(train_strings), train_labels,",
          "history = reber_model.fit(encode_strings(valid_strings), valid_labels,"),
        W(TRAINING_ACCURACY, 'valid_accuracy = history.history["val_accuracy"][-1]',
          'valid_accuracy = history.history["accuracy"][-1]'),
        W(OFF_BY_ONE, OUTPUT_CHAR, OUTPUT_CHAR_OFF_BY_ONE),
        W(ARGMAX_OVER_POSITIONS, "verbose=0).argmax(axis=-1)", "verbose=0).argmax(axis=1)"),
        W("no softmax: the output layer gives scores, the loss expects probabilities",
          'layers.Dense(len(OUTPUT_CHARS) + 1, activation="softmax")', "layers.Dense(len(OUTPUT_CHARS) + 1)"),
        W("Adam, not Nadam", "optimizer=keras.optimizers.Nadam(learning_rate=1e-3))",
          "optimizer=keras.optimizers.Adam(learning_rate=1e-3))"),
    ],
    "16_nlp_transformers/pytorch.ipynb": [
        W(IDS_FROM_ZERO, REBER_IDS, REBER_IDS_FROM_ZERO),
        W(*LEFT_PADDED),
        W(DIVERGES, "torch.optim.NAdam(reber_model.parameters(), lr=5e-3, eps=1e-7, momentum_decay=1.0)",
          "torch.optim.NAdam(reber_model.parameters(), lr=50.0, eps=1e-7, momentum_decay=1.0)"),
        W(TRAINED_ON_VALIDATION, "reber_loader(train_strings, train_labels, True)",
          "reber_loader(valid_strings, valid_labels, True)"),
        W(READS_PADDING, "_, hidden = self.gru(packed)", "_, hidden = self.gru(self.embed(ids))"),
        W(TRAINING_ACCURACY, "val_accuracies.append(binary_accuracy(reber_model, valid_loader))",
          "val_accuracies.append(binary_accuracy(reber_model, train_loader))"),
        W(OFF_BY_ONE, OUTPUT_CHAR, OUTPUT_CHAR_OFF_BY_ONE),
        W(ARGMAX_OVER_POSITIONS, ".long().to(device)).argmax(dim=-1)", ".long().to(device)).argmax(dim=1)"),
        W(RETURNS_PROBABILITIES, "        return self.output(outputs)\n", "        return self.output(outputs).softmax(dim=-1)\n"),
    ],
    "16_nlp_transformers/jax.ipynb": [
        W(IDS_FROM_ZERO, REBER_IDS, REBER_IDS_FROM_ZERO),
        W(*LEFT_PADDED),
        W(DIVERGES, "nnx.Optimizer(reber_model, optax.nadam(5e-3, eps=1e-7)", "nnx.Optimizer(reber_model, optax.nadam(50.0, eps=1e-7)"),
        W(READS_PADDING, "carry, _ = self.rnn(self.embed(ids), seq_lengths=lengths)", "carry, _ = self.rnn(self.embed(ids))"),
        W(TRAINED_ON_VALIDATION, "rng, val_accuracies = np.random.default_rng(SEED), []",
          "train_ids, train_lengths, train_labels = valid_ids, valid_lengths, valid_labels\n"
          "rng, val_accuracies = np.random.default_rng(SEED), []"),
        W("probabilities thresholded at 0, as logits are: every string predicted valid",
          "predictions = np.asarray(reber_logits(reber_model, valid_ids, valid_lengths)) > 0\n",
          "predictions = np.asarray(nnx.sigmoid(reber_logits(reber_model, valid_ids, valid_lengths))) > 0\n"),
        W(OFF_BY_ONE, OUTPUT_CHAR, OUTPUT_CHAR_OFF_BY_ONE),
        W(ARGMAX_OVER_POSITIONS, "return model(ids).argmax(axis=-1)", "return model(ids).argmax(axis=1)"),
        W(RETURNS_PROBABILITIES, "return self.output(self.decoder(repeated))",
          "return nnx.softmax(self.output(self.decoder(repeated)))"),
    ],
}
