"""ParamBuffer views, optimizer bookkeeping and learning-rate schedules."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from tutor.nn.base import (
    Model,
    Optimizer,
    OptimizerConfig,
    ParamBuffer,
    classification_accuracy,
    scheduled_lr,
)


def make_buffer(dtype=np.float64) -> ParamBuffer:
    return ParamBuffer(
        {"W0": (2, 3), "b0": (3,), "W1": (3, 1), "b1": (1,)}, dtype, decay=("W0", "W1")
    )


def test_views_share_the_flat_vector() -> None:
    buffer = make_buffer()
    assert buffer.size == 6 + 3 + 3 + 1
    buffer["W0"][1, 2] = 5.0
    assert buffer.data[buffer.offset("W0") + 1 * 3 + 2] == 5.0
    buffer.grad[buffer.offset("b1")] = -1.0
    assert buffer.grad_view("b1")[0] == -1.0
    assert [buffer.offset(n) for n in buffer.names] == [0, 6, 9, 12]


def test_decay_mask_covers_only_named_parameters() -> None:
    buffer = make_buffer()
    mask = {
        name: np.unique(
            buffer.decay_mask[buffer.offset(name) : buffer.offset(name) + buffer[name].size]
        )
        for name in buffer.names
    }
    assert mask["W0"].tolist() == [1.0] and mask["W1"].tolist() == [1.0]
    assert mask["b0"].tolist() == [0.0] and mask["b1"].tolist() == [0.0]
    with pytest.raises(KeyError):
        ParamBuffer({"W": (2,)}, decay=("V",))


def test_to_dict_copies_and_load_checks_shapes() -> None:
    buffer = make_buffer(np.float32)
    values = buffer.to_dict()
    values["W0"][:] = 7.0  # a copy: the buffer must not change
    assert not buffer["W0"].any()
    buffer.load(values)
    assert buffer["W0"].dtype == np.float32 and (buffer["W0"] == 7.0).all()
    with pytest.raises(ValueError):
        buffer.load({**values, "b0": np.zeros(4)})
    with pytest.raises(KeyError):
        buffer.load({"W0": values["W0"]})


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (OptimizerConfig(schedule="constant", lr=0.1), [0.1, 0.1, 0.1]),
        (
            OptimizerConfig(schedule="step", lr=0.1, step_size=2, gamma=0.5),
            [0.1, 0.1, 0.05, 0.05, 0.025],
        ),
        (OptimizerConfig(schedule="exponential", lr=0.1, gamma=0.9), [0.1, 0.09, 0.081]),
        (
            OptimizerConfig(schedule="cosine", lr=0.1, total_steps=4, min_lr=0.02),
            [
                0.1,
                0.02 + 0.04 * (1 + math.cos(math.pi / 4)),
                0.06,
                0.02 + 0.04 * (1 + math.cos(3 * math.pi / 4)),
                0.02,
                0.02,
            ],
        ),
    ],
)
def test_schedules_are_pure_functions_of_the_step(
    config: OptimizerConfig, expected: list[float]
) -> None:
    got = [scheduled_lr(config, config.lr, step) for step in range(len(expected))]
    assert got == pytest.approx(expected)
    assert got == [scheduled_lr(config, config.lr, step) for step in range(len(expected))]


def test_optimizer_step_counter_and_settable_rate() -> None:
    optimizer = Optimizer(
        OptimizerConfig(kind="adam", lr=0.1, schedule="step", step_size=1, gamma=0.5), 4, np.float32
    )
    assert optimizer.current_lr == pytest.approx(0.1)
    args = optimizer.prepare_step()
    assert optimizer.t == 1 and args[3] == pytest.approx(0.1)
    optimizer.lr = 1.0
    assert optimizer.prepare_step()[3] == pytest.approx(0.5)  # base 1.0, step 1 of the schedule
    idle = optimizer.idle_args()
    assert idle[3] == 0.0 and optimizer.t == 2
    assert [type(a) for a in idle[2:]] == [int] + [float] * 8  # one compiled kernel signature
    optimizer.reset()
    assert optimizer.t == 0 and not optimizer.m.any()


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        OptimizerConfig(kind="rmsprop")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        OptimizerConfig(beta2=1.0)
    with pytest.raises(ValueError):
        OptimizerConfig(lr=-1.0)


def test_classification_accuracy_binary_and_multiclass() -> None:
    assert classification_accuracy(np.array([0.2, 0.7, 0.9]), np.array([0, 1, 0])) == pytest.approx(
        2 / 3
    )
    probs = np.array([[0.1, 0.9], [0.8, 0.2]])
    assert classification_accuracy(probs, np.array([1, 0])) == 1.0


def test_models_satisfy_the_protocol() -> None:
    from tutor.nn.models.logistic import LogisticRegression, LogisticRegressionConfig
    from tutor.nn.models.mlp import MLP, MLPConfig

    assert isinstance(MLP(MLPConfig()), Model)
    assert isinstance(LogisticRegression(LogisticRegressionConfig()), Model)


def test_importing_base_does_not_import_numba() -> None:
    code = "import sys, tutor.nn.base, tutor.nn; print('numba' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
