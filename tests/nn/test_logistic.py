"""Logistic regression API and hand-made features."""

from __future__ import annotations

import numpy as np
import pytest

from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig


def test_features_are_inputs_then_extras_in_order() -> None:
    model = LogisticRegression(LogisticRegressionConfig(extra_features=("xy", "x2")))
    X = np.array([[2.0, 3.0], [-1.0, 0.5]])
    np.testing.assert_allclose(model.features(X), [[2, 3, 6, 4], [-1, 0.5, -0.5, 1]])
    assert model.params["W0"].shape == (4, 1) and model.n_params == 5


def test_binary_and_multiclass_outputs() -> None:
    X = np.random.default_rng(0).standard_normal((6, 2))
    binary = LogisticRegression(LogisticRegressionConfig())
    np.testing.assert_allclose(binary.predict(X), 0.5)  # zero init
    multi = LogisticRegression(LogisticRegressionConfig(n_classes=4, init_scale=1.0))
    assert multi.predict(X).shape == (6, 4)


def test_inspect() -> None:
    model = LogisticRegression(
        LogisticRegressionConfig(extra_features=("x2", "y2"), init_scale=1.0)
    )
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((8, 2)), rng.integers(0, 2, 8)
    model.step(X, y)
    seen = model.inspect(X, y)
    assert seen["features"].shape == (8, 4)
    p = seen["outputs"]
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-seen["logits"])), rtol=1e-5)
    assert seen["grad_norm_per_layer"].shape == (1,)


def test_lr_and_params_go_to_the_underlying_net() -> None:
    model = LogisticRegression(LogisticRegressionConfig())
    model.lr = 0.5
    assert model.lr == 0.5
    model.params = {"W0": np.ones((2, 1)), "b0": np.zeros(1)}
    assert model.predict(np.array([[1.0, 1.0]]))[0] == pytest.approx(
        1 / (1 + np.exp(-2.0)), rel=1e-6
    )


@pytest.mark.parametrize(
    "kwargs",
    [{"extra_features": ("z2",)}, {"n_inputs": 3, "extra_features": ("x2",)}, {"n_classes": 1}],
)
def test_config_validation(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        LogisticRegressionConfig(**kwargs)
