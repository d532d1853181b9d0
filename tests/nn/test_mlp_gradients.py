"""Central finite-difference checks (float64) of every dense-family kernel and model.

Relative error = ||numerical - analytic|| / (||numerical|| + ||analytic||) < 1e-6.
Rectifier kinks are avoided by construction: every pre-activation is kept at
least 1e-3 away from 0 (checked with an independent numpy forward pass).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from gradcheck import central_difference, relative_error

from tutor.nn.base import OptimizerConfig
from tutor.nn.kernels.activations import ACTIVATIONS, activation_forward
from tutor.nn.kernels.dense import dense_backward, dense_forward, dense_input_grad
from tutor.nn.kernels.dropout import dropout_forward
from tutor.nn.kernels.losses import BCE, CROSS_ENTROPY, MSE, exp_value, loss_and_delta
from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig
from tutor.nn.models.mlp import MLP, MLPConfig

EPS = 1e-5
TOLERANCE = 1e-6


numerical_gradient = partial(central_difference, eps=EPS)


# --------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------


def away_from_zero(
    rng: np.random.Generator, shape: tuple[int, ...], margin: float = 1e-2
) -> np.ndarray:
    z = rng.standard_normal(shape) * 2
    return np.where(np.abs(z) < margin, margin, z)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative(name: str) -> None:
    z0 = away_from_zero(np.random.default_rng(0), (50,))
    a = np.empty_like(z0)

    def values(z: np.ndarray) -> np.ndarray:
        work = z.copy()
        activation_forward(ACTIVATIONS[name], work, a, 0.05)
        return a.copy()

    deriv = z0.copy()
    activation_forward(ACTIVATIONS[name], deriv, a, 0.05)
    numerical = (values(z0 + EPS) - values(z0 - EPS)) / (2 * EPS)  # elementwise
    assert relative_error(numerical, deriv) < TOLERANCE


@pytest.mark.parametrize(("n_in", "n_out", "B"), [(3, 4, 5), (1, 1, 1), (6, 2, 1)])
def test_dense_layer_gradients(n_in: int, n_out: int, B: int) -> None:
    rng = np.random.default_rng(n_in * 10 + B)
    Wb = rng.standard_normal((n_in + 1, n_out))
    A = np.vstack([rng.standard_normal((n_in, B)), np.ones((1, B))])
    R = rng.standard_normal((n_out, B))  # loss = sum(R * Z)
    Z = np.empty((n_out, B))

    def loss() -> float:
        dense_forward(Wb, A, Z)
        return float(np.sum(R * Z))

    dense_forward(Wb, A, Z)
    np.testing.assert_allclose(Z, Wb[:n_in].T @ A[:n_in] + Wb[n_in][:, None], rtol=1e-12)
    dWb = np.empty_like(Wb)
    dA = np.empty((n_in, B))
    dense_backward(A, R, dWb)
    dense_input_grad(Wb, R, dA)
    assert relative_error(numerical_gradient(loss, Wb), dWb) < TOLERANCE
    assert relative_error(numerical_gradient(loss, A)[:n_in], dA) < TOLERANCE


@pytest.mark.parametrize("loss_code", [BCE, CROSS_ENTROPY, MSE])
@pytest.mark.parametrize("B", [1, 7])
def test_loss_gradients(loss_code: int, B: int) -> None:
    rng = np.random.default_rng(B + loss_code)
    C = 1 if loss_code == BCE else 3
    Z = rng.standard_normal((C, B)) * 3
    T = rng.random((C, B))  # soft targets for BCE, any values for MSE
    labels = rng.integers(0, C, B)
    dZ = np.empty_like(Z)
    scratch = np.empty_like(Z)
    work = np.empty((2, B))
    loss_and_delta(loss_code, Z, T, labels, dZ, work)
    numerical = numerical_gradient(
        lambda: loss_and_delta(loss_code, Z, T, labels, scratch, work), Z
    )
    assert relative_error(numerical, dZ) < TOLERANCE


def test_losses_match_their_definitions() -> None:
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((3, 6))
    labels = rng.integers(0, 3, 6)
    dZ = np.empty_like(Z)
    work = np.empty((2, 6))
    softmax = np.exp(Z) / np.exp(Z).sum(axis=0)
    ce = loss_and_delta(CROSS_ENTROPY, Z, Z, labels, dZ, work)
    assert ce == pytest.approx(-np.mean(np.log(softmax[labels, np.arange(6)])), rel=1e-12)
    z, t = Z[:1], rng.random((1, 6))
    p = 1 / (1 + np.exp(-z))
    bce = loss_and_delta(BCE, z, t, labels, dZ[:1], work)
    assert bce == pytest.approx(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)), rel=1e-12)
    assert loss_and_delta(MSE, Z, Z * 0, labels, dZ, work) == pytest.approx(
        np.mean(Z**2), rel=1e-12
    )


@pytest.mark.parametrize("loss_code", [BCE, CROSS_ENTROPY])
def test_fast_losses_match_exact_ones(loss_code: int) -> None:
    """The fast path (vectorised exp, logs of products) changes nothing visible."""
    rng = np.random.default_rng(loss_code)
    C, B = (1, 300) if loss_code == BCE else (4, 300)
    Z = (rng.standard_normal((C, B)) * 10).astype(np.float32)  # the fast path runs on float32
    T = rng.random((C, B)).astype(np.float32)
    labels = rng.integers(0, C, B)
    work = np.empty((2, B))
    exact = np.empty((C, B))
    fast = np.empty_like(Z)
    value = loss_and_delta(
        loss_code, Z.astype(np.float64), T.astype(np.float64), labels, exact, work
    )
    assert loss_and_delta(loss_code, Z, T, labels, fast, work) == pytest.approx(value, rel=1e-8)
    np.testing.assert_allclose(fast, exact, rtol=1e-6, atol=1e-9)  # float32 rounding of dZ


def test_fast_exp() -> None:
    x = -np.linspace(0, 87, 10_001)
    approx = np.array([exp_value(v, True) for v in x])
    assert np.max(np.abs(approx - np.exp(x)) / np.exp(x)) < 5e-9
    assert exp_value(-1e6, True) == pytest.approx(np.exp(-87.0))


def test_bce_is_finite_for_huge_logits() -> None:
    Z = np.array([[800.0, -800.0]])
    dZ = np.empty_like(Z)
    value = loss_and_delta(
        BCE, Z, np.array([[0.0, 1.0]]), np.zeros(2, np.int64), dZ, np.empty((2, 2))
    )
    assert value == pytest.approx(800.0) and np.isfinite(dZ).all()


def test_dropout_masks_values_and_derivatives_alike() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal(10_000)
    deriv = rng.standard_normal(10_000)
    uniform = rng.random(10_000)
    a_out, deriv_out = a.copy(), deriv.copy()
    dropout_forward(a_out, deriv_out, uniform, 0.25)
    mask = np.where(uniform >= 0.25, 1 / 0.75, 0.0)
    np.testing.assert_allclose(a_out, a * mask)
    np.testing.assert_allclose(deriv_out, deriv * mask)
    assert np.mean(mask == 0) == pytest.approx(0.25, abs=0.02)


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------


def numpy_pre_activations(model: MLP, X: np.ndarray) -> list[np.ndarray]:
    """Independent forward pass: the pre-activations of every hidden layer."""
    act = {
        "identity": lambda z: z,
        "relu": lambda z: np.maximum(z, 0),
        "leaky_relu": lambda z: np.where(z > 0, z, model.config.leaky_slope * z),
        "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3))),
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "tanh": np.tanh,
    }[model.config.activation]
    params = model.params
    a, pres = X, []
    for layer in range(model.n_layers):
        z = a @ params[f"W{layer}"] + params[f"b{layer}"]
        if layer < model.n_layers - 1:
            pres.append(z)
            a = act(z)
    outputs = {
        "bce": lambda z: 1 / (1 + np.exp(-z[:, 0])),
        "cross_entropy": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
        "mse": lambda z: z[:, 0] if z.shape[1] == 1 else z,
    }[model.config.loss]
    np.testing.assert_allclose(model.predict(X), outputs(z), rtol=1e-10, atol=1e-12)
    return pres


def check_model_gradients(model, X: np.ndarray, y: np.ndarray, train: bool = False) -> None:
    params = model.params
    seed = 11  # dropout masks: the same draw for every evaluation

    def loss() -> float:
        model.params = params
        return model.loss_and_grads(X, y, train=train, rng=np.random.default_rng(seed))[0]

    _, analytic = model.loss_and_grads(X, y, train=train, rng=np.random.default_rng(seed))
    for name, value in params.items():
        error = relative_error(numerical_gradient(loss, value), analytic[name])
        assert error < TOLERANCE, (name, error)


def labels_for(loss: str, n_out: int, B: int, rng: np.random.Generator) -> np.ndarray:
    if loss == "bce":
        return rng.integers(0, 2, B)
    if loss == "cross_entropy":
        return rng.integers(0, n_out, B)
    return rng.standard_normal((B, n_out)) if n_out > 1 else rng.standard_normal(B)


def kink_free_mlp(config: MLPConfig, X: np.ndarray) -> MLP:
    """An MLP whose hidden pre-activations on X all keep |z| > 1e-3 (biases pushed off 0)."""
    for seed in range(50):
        model = MLP(config, seed=seed)
        rng = np.random.default_rng(seed)
        params = model.params
        for layer in range(model.n_layers):
            shape = params[f"b{layer}"].shape
            params[f"b{layer}"] = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 0.5, shape)
        model.params = params
        if all(np.abs(z).min() > 1e-3 for z in numpy_pre_activations(model, X)):
            return model
    raise AssertionError("no kink-free initialisation found")


CASES = [
    # sizes, activation, loss, B, zero input
    ((3, 5, 4, 1), "tanh", "bce", 6, False),
    ((2, 4, 3), "relu", "cross_entropy", 5, False),
    ((2, 4, 4, 4, 2), "leaky_relu", "mse", 4, False),
    ((3, 6, 1), "gelu", "mse", 5, False),
    ((2, 3, 3, 3), "sigmoid", "cross_entropy", 1, False),  # batch of one
    ((4, 5, 1), "identity", "bce", 3, False),
    ((2, 5, 5, 1), "relu", "bce", 4, True),  # all-zero input
    ((3, 4, 2), "tanh", "cross_entropy", 1, True),  # batch of one, all-zero input
    ((5, 2), "identity", "cross_entropy", 6, False),  # no hidden layer
]


@pytest.mark.parametrize(("sizes", "activation", "loss", "B", "zero_input"), CASES)
def test_mlp_gradients(
    sizes: tuple[int, ...], activation: str, loss: str, B: int, zero_input: bool
) -> None:
    rng = np.random.default_rng(len(sizes) * 100 + B)
    X = np.zeros((B, sizes[0])) if zero_input else rng.standard_normal((B, sizes[0]))
    model = kink_free_mlp(
        MLPConfig(sizes=sizes, activation=activation, loss=loss, dtype="float64"), X
    )
    check_model_gradients(model, X, labels_for(loss, sizes[-1], B, rng))


def test_mlp_gradients_with_dropout() -> None:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((6, 3))
    model = kink_free_mlp(
        MLPConfig(
            sizes=(3, 8, 8, 2),
            activation="tanh",
            loss="cross_entropy",
            dropout=0.3,
            dtype="float64",
        ),
        X,
    )
    check_model_gradients(model, X, rng.integers(0, 2, 6), train=True)


def test_mse_on_class_labels_uses_one_hot_targets() -> None:
    rng = np.random.default_rng(2)
    X = rng.standard_normal((5, 2))
    model = kink_free_mlp(
        MLPConfig(sizes=(2, 4, 3), activation="tanh", loss="mse", dtype="float64"), X
    )
    labels = rng.integers(0, 3, 5)
    one_hot = np.eye(3)[labels]
    assert model.loss_and_grads(X, labels)[0] == pytest.approx(model.loss_and_grads(X, one_hot)[0])
    check_model_gradients(model, X, labels)


@pytest.mark.parametrize(
    ("extra", "n_classes", "B"),
    [((), 2, 5), (("x2", "y2", "xy"), 2, 1), (("x2",), 3, 4)],
)
def test_logistic_gradients(extra: tuple[str, ...], n_classes: int, B: int) -> None:
    rng = np.random.default_rng(B)
    model = LogisticRegression(
        LogisticRegressionConfig(
            extra_features=extra, n_classes=n_classes, init_scale=1.0, dtype="float64"
        ),
        seed=1,
    )
    X = rng.standard_normal((B, 2))
    check_model_gradients(model, X, rng.integers(0, n_classes, B))
    check_model_gradients(model, np.zeros((B, 2)), rng.integers(0, n_classes, B))


def test_weight_decay_is_left_to_the_optimizer() -> None:
    """The reported loss and gradient are the data terms only (as in PyTorch)."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((4, 2)), rng.integers(0, 2, 4)
    plain = MLP(MLPConfig(sizes=(2, 3, 1), dtype="float64"), seed=0)
    decayed = MLP(
        MLPConfig(sizes=(2, 3, 1), dtype="float64", optimizer=OptimizerConfig(weight_decay=0.5)),
        seed=0,
    )
    assert plain.loss_and_grads(X, y)[0] == decayed.loss_and_grads(X, y)[0]
