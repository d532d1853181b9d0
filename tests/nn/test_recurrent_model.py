"""SequenceClassifier: gradients (float64 finite differences), the model API,
and what the lessons claim: gated cells remember a token many steps back
where the plain RNN fails, whose gradient fades with distance."""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck import assert_gradients_match

from tutor.nn.base import Model, OptimizerConfig
from tutor.nn.datasets import lag_sequences
from tutor.nn.models.sequence import SequenceClassifier, SequenceClassifierConfig

CELLS = ["rnn", "gru", "lstm"]


def exact_model(cell: str, n_inputs: int = 3, hidden: int = 4, n_classes: int = 3, seed: int = 1):
    config = SequenceClassifierConfig(cell=cell, n_inputs=n_inputs, hidden=hidden,
                                      n_classes=n_classes, dtype="float64")
    return SequenceClassifier(config, seed=seed)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize(("N", "T"), [(4, 5), (1, 1), (1, 3), (3, 1)])
def test_gradients_on_tokens(cell, N, T):
    rng = np.random.default_rng(N * 10 + T)
    assert_gradients_match(exact_model(cell), rng.integers(0, 3, (N, T)), rng.integers(0, 3, N))


@pytest.mark.parametrize("cell", CELLS)
def test_gradients_on_features_including_all_zero_input(cell):
    rng = np.random.default_rng(2)
    model = exact_model(cell)
    assert_gradients_match(model, rng.normal(size=(3, 4, 3)), np.array([0, 2, 1]))
    assert_gradients_match(model, np.zeros((2, 4, 3)), np.array([1, 0]))


@pytest.mark.parametrize("cell", CELLS)
def test_api(cell):
    config = SequenceClassifierConfig(cell=cell, n_inputs=4, hidden=6, n_classes=4)
    model = SequenceClassifier(config, seed=3)
    assert isinstance(model, Model)
    X = np.random.default_rng(0).integers(0, 4, (5, 7))
    y = X[:, 2]
    probabilities = model.predict(X)
    assert probabilities.shape == (5, 4) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    shown = model.inspect(X, y)
    assert shown["hidden_states"].shape == (5, 7, 6)
    assert shown["grad_norm_per_step"].shape == (7,)
    expected_gates = {"rnn": 0, "gru": 2, "lstm": 4}[cell]
    assert sum(key.startswith("gate_") for key in shown) == expected_gates
    assert ("cell_states" in shown) == (cell == "lstm")
    assert model.n_params == sum(v.size for v in model.params.values())
    # same config and seed: same model; params round-trip
    twin = SequenceClassifier(config, seed=3)
    np.testing.assert_array_equal(twin.predict(X), probabilities)
    twin.params = {k: v + 1 for k, v in model.params.items()}
    assert not np.allclose(twin.predict(X), probabilities)
    twin.params = model.params
    np.testing.assert_array_equal(twin.predict(X), probabilities)
    # step returns the loss before the update and lowers it
    before = model.loss_and_grads(X, y)[0]
    assert model.step(X, y) == pytest.approx(before, rel=1e-6)
    assert model.loss_and_grads(X, y)[0] < before
    model.lr = 0.0
    frozen = model.params
    model.step(X, y)
    np.testing.assert_array_equal(model.params["Wh"], frozen["Wh"])


def test_rejects_bad_inputs():
    model = SequenceClassifier(SequenceClassifierConfig(n_inputs=3, n_classes=3))
    with pytest.raises(ValueError):
        model.predict(np.array([[0, 3]]))  # token out of range
    with pytest.raises(ValueError):
        model.predict(np.zeros((2, 4, 5)))  # wrong feature width
    with pytest.raises(ValueError):
        model.step(np.zeros((2, 4), int), np.array([0, 3]))  # label out of range


def train_on_lag(cell: str, lag: int, seed: int, steps: int = 800) -> SequenceClassifier:
    data = lag_sequences(n=2000, seq_len=lag + 2, vocab_size=4, lag=lag, seed=seed)
    config = SequenceClassifierConfig(cell=cell, n_inputs=4, hidden=16, n_classes=4,
                                      optimizer=OptimizerConfig("adam", lr=0.02))
    model = SequenceClassifier(config, seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        batch = rng.integers(0, data.n_train, 64)
        model.step(data.X_train[batch], data.y_train[batch])
    model.validation = (data.X_val, data.y_val)  # type: ignore[attr-defined]
    return model


def validation_accuracy(model) -> float:
    return model.accuracy(*model.validation)


SEEDS = (0, 1, 2)


def test_every_cell_remembers_a_short_lag():
    for cell in CELLS:
        accuracies = [validation_accuracy(train_on_lag(cell, lag=3, seed=s, steps=300))
                      for s in SEEDS]
        assert min(accuracies) > 0.95, (cell, accuracies)


def test_gated_cell_remembers_a_long_lag_where_the_plain_rnn_fails():
    """Measured (seeds 0-8, 800 steps, lag 12): GRU 0.80-1.00 (mean 0.98),
    plain RNN 0.27-0.79 (mean 0.42); chance is 0.25."""
    gru = [validation_accuracy(train_on_lag("gru", lag=12, seed=s)) for s in SEEDS]
    rnn = [validation_accuracy(train_on_lag("rnn", lag=12, seed=s)) for s in SEEDS]
    assert np.mean(gru) > 0.9, gru
    assert np.mean(rnn) < 0.65, rnn
    assert np.mean(gru) - np.mean(rnn) > 0.3


def test_rnn_gradient_fades_with_distance_from_the_loss():
    """At initialisation |d loss / d h_t| shrinks at every step back from the
    end: by over 100x across 14 steps for the tanh RNN (measured 4e-4 to
    1.2e-3), less for the LSTM, whose cell state carries it (7e-3 to 1.5e-2)."""
    for seed in SEEDS:
        data = lag_sequences(n=400, seq_len=14, vocab_size=4, lag=12, seed=seed)
        ratios = {}
        for cell in ("rnn", "lstm"):
            model = SequenceClassifier(SequenceClassifierConfig(cell=cell, n_inputs=4, hidden=16,
                                                                n_classes=4), seed=seed)
            norms = model.inspect(data.X_val, data.y_val)["grad_norm_per_step"]
            assert np.all(np.diff(norms) > 0), (cell, norms)  # larger at every step nearer the loss
            ratios[cell] = norms[0] / norms[-1]
        assert ratios["rnn"] < 1e-2
        assert ratios["rnn"] < ratios["lstm"]


@pytest.mark.parametrize(("cell", "default"), [("rnn", 0.0), ("gru", 0.0), ("lstm", 1.0)])
def test_keep_bias_starts_the_keeping_gate(cell, default):
    """The gate that keeps the old state (LSTM f, GRU z) starts at keep_bias,
    or at the customary default; the plain RNN has no such gate."""
    H = 5
    for keep, expected in ((None, default), (2.0, 2.0 if cell != "rnn" else 0.0)):
        config = SequenceClassifierConfig(cell=cell, hidden=H, keep_bias=keep)
        biases = SequenceClassifier(config).params["b"]
        assert np.all(biases[H : 2 * H] == expected)
        others = np.delete(biases, np.s_[H : 2 * H]) if cell != "rnn" else biases
        assert np.all(others == 0.0)


def test_a_gru_told_to_keep_carries_its_gradient_further_back():
    """With the update gate starting near 1 (keep_bias 2: z = 0.88), a fresh
    GRU passes the gradient back across 25 steps with far less loss than
    with the usual start (z = 0.5)."""
    data = lag_sequences(n=200, seq_len=25, vocab_size=4, lag=24, seed=0)
    fade = {}
    for keep in (0.0, 2.0):
        config = SequenceClassifierConfig(cell="gru", n_inputs=4, hidden=16, keep_bias=keep)
        norms = SequenceClassifier(config, seed=0).inspect(data.X_val, data.y_val)[
            "grad_norm_per_step"]
        fade[keep] = norms[0] / norms[-1]
    assert fade[2.0] > 100 * fade[0.0], fade
