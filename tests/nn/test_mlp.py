"""The MLP model API: shapes, copies, determinism, knobs, inspect."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.nn.base import OptimizerConfig
from tutor.nn.kernels.mlp import mlp_pass
from tutor.nn.models.mlp import MLP, MLPConfig


def data(n: int = 32, d: int = 2, classes: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, classes, n)


def test_parameter_names_shapes_and_count() -> None:
    model = MLP(MLPConfig(sizes=(2, 5, 4, 3), loss="cross_entropy"))
    shapes = {name: value.shape for name, value in model.params.items()}
    assert shapes == {"W0": (2, 5), "b0": (5,), "W1": (5, 4), "b1": (4,), "W2": (4, 3), "b2": (3,)}
    assert model.n_params == 2 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3
    assert all(value.dtype == np.float32 for value in model.params.values())


def test_params_are_copies_both_ways() -> None:
    model = MLP(MLPConfig())
    params = model.params
    params["W0"][:] = 0.0
    assert model.params["W0"].any()
    model.params = params
    params["W0"][:] = 1.0
    assert not model.params["W0"].any()


def test_same_seed_same_run_including_dropout() -> None:
    X, y = data()
    config = MLPConfig(sizes=(2, 8, 8, 1), dropout=0.3)
    a, b = MLP(config, seed=4), MLP(config, seed=4)
    losses_a = [a.step(X, y) for _ in range(5)]
    losses_b = [b.step(X, y) for _ in range(5)]
    assert losses_a == losses_b
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(MLP(config, seed=5).params["W0"], a.params["W0"])


def test_step_returns_the_loss_before_the_update() -> None:
    X, y = data()
    model = MLP(MLPConfig(optimizer=OptimizerConfig(lr=0.01)))
    before = model.loss_and_grads(X, y)[0]
    assert model.step(X, y) == pytest.approx(before, rel=1e-6)
    assert model.loss_and_grads(X, y)[0] < before


def test_loss_and_grads_does_not_update() -> None:
    X, y = data()
    model = MLP(MLPConfig())
    params = model.params
    model.loss_and_grads(X, y)
    assert all(np.array_equal(params[k], model.params[k]) for k in params)


def test_zero_learning_rate_freezes_and_lr_is_settable() -> None:
    X, y = data()
    model = MLP(MLPConfig(optimizer=OptimizerConfig(kind="sgd", lr=0.5)))
    model.lr = 0.0
    params = model.params
    model.step(X, y)
    assert all(np.array_equal(params[k], model.params[k]) for k in params)
    model.lr = 0.25
    assert model.lr == 0.25
    with pytest.raises(ValueError):
        model.lr = -1.0


@pytest.mark.parametrize(
    ("sizes", "loss", "shape"),
    [
        ((2, 4, 1), "bce", (7,)),
        ((2, 4, 3), "cross_entropy", (7, 3)),
        ((2, 4, 1), "mse", (7,)),
        ((2, 4, 2), "mse", (7, 2)),
    ],
)
def test_predict_shapes(sizes: tuple[int, ...], loss: str, shape: tuple[int, ...]) -> None:
    X, _ = data(7)
    out = MLP(MLPConfig(sizes=sizes, loss=loss)).predict(X)
    assert out.shape == shape
    if loss == "cross_entropy":
        np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)
    if loss == "bce":
        assert ((out > 0) & (out < 1)).all()


def test_any_input_array_compiles_once_per_dtype() -> None:
    """Read-only, float64, int, strided inputs are copied into the model's buffers,
    so the kernel never sees a new argument type (each costs seconds of compile)."""
    X, y = data(16)
    model = MLP(MLPConfig(sizes=(2, 4, 1)))
    model.step(X, y)
    count = len(mlp_pass.signatures)
    X_ro = np.asfortranarray(X.astype(np.float32))
    X_ro.flags.writeable = False
    y_ro = y.astype(np.float64)
    y_ro.flags.writeable = False
    model.step(X_ro, y_ro)
    model.step(X[::1].astype(np.int64), y.astype(bool))
    model.predict(X_ro)
    model.loss_and_grads(X_ro, y_ro)
    assert len(mlp_pass.signatures) == count


def test_dropout_only_while_training() -> None:
    X, y = data()
    model = MLP(MLPConfig(sizes=(2, 16, 1), dropout=0.5))
    assert np.array_equal(model.predict(X), model.predict(X))
    assert model.loss_and_grads(X, y)[0] == model.loss_and_grads(X, y)[0]
    assert model.loss_and_grads(X, y, train=True)[0] != model.loss_and_grads(X, y, train=True)[0]
    model.dropout = 0.0
    assert model.loss_and_grads(X, y, train=True)[0] == model.loss_and_grads(X, y)[0]
    with pytest.raises(ValueError):
        model.dropout = 1.0


def test_batches_of_different_sizes_interleave() -> None:
    X, y = data(40)
    model = MLP(MLPConfig(sizes=(2, 6, 1)))
    full = model.predict(X)
    for size in (1, 5, 40, 3, 7):
        model.step(X[:size], y[:size])
    model.params = MLP(MLPConfig(sizes=(2, 6, 1))).params
    np.testing.assert_array_equal(model.predict(X), full)
    np.testing.assert_allclose(model.predict(X[:1]), full[:1], rtol=1e-6)


def test_inspect_reports_what_the_graphics_need() -> None:
    X, y = data(10)
    model = MLP(MLPConfig(sizes=(2, 6, 5, 1), activation="relu"))
    model.step(X, y)
    seen = model.inspect(X)
    assert seen["hidden_0"].shape == (10, 6) and seen["hidden_1"].shape == (10, 5)
    assert (seen["hidden_0"] >= 0).all()
    np.testing.assert_array_equal(seen["outputs"], model.predict(X))
    assert seen["grad_norm_per_layer"].shape == (3,) and (seen["grad_norm_per_layer"] > 0).all()
    assert seen["weight_norm_per_layer"].shape == (3,)
    assert seen["active_fraction_per_layer"].shape == (2,)
    with_labels = model.inspect(X, y)
    grads = model.loss_and_grads(X, y)[1]
    expected = np.sqrt(np.sum(grads["W1"] ** 2) + np.sum(grads["b1"] ** 2))
    assert with_labels["grad_norm_per_layer"][1] == pytest.approx(expected, rel=1e-5)


def test_accuracy() -> None:
    X, _ = data(20)
    model = MLP(MLPConfig(sizes=(2, 4, 3), loss="cross_entropy"))
    y = model.predict(X).argmax(axis=1)
    assert model.accuracy(X, y) == 1.0
    assert model.accuracy(X, np.eye(3)[y]) == 1.0


def test_float32_training_follows_float64() -> None:
    X, y = data(64)
    runs = []
    for dtype in ("float32", "float64"):
        model = MLP(MLPConfig(sizes=(2, 16, 16, 1), activation="tanh", dtype=dtype), seed=3)
        runs.append([model.step(X, y) for _ in range(20)])
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-4)


def test_bad_inputs_are_rejected() -> None:
    model = MLP(MLPConfig(sizes=(2, 4, 3), loss="cross_entropy"))
    X, _ = data(4)
    with pytest.raises(ValueError):
        model.step(X, np.array([0, 1, 2, 3]))  # label out of range
    with pytest.raises(ValueError):
        model.step(X, np.array([0, 1]))  # wrong length
    with pytest.raises(ValueError):
        model.predict(np.zeros((4, 3)))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sizes": (2,)},
        {"sizes": (2, 0, 1)},
        {"activation": "swish"},
        {"loss": "hinge"},
        {"sizes": (2, 3, 2), "loss": "bce"},
        {"sizes": (2, 3, 1), "loss": "cross_entropy"},
        {"dropout": 1.0},
        {"dtype": "float16"},
    ],
)
def test_config_validation(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        MLPConfig(**kwargs)
