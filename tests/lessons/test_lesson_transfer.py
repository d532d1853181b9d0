"""transfer: with the slide's number of examples, a frozen pretrained
backbone plus a new head beats the same network trained from scratch by
>= 10 points of test accuracy (mean over 3 seeds)."""

from __future__ import annotations

import numpy as np
import pytest
from slide_demos import demo_params

from tutor.lessons.transfer import (
    SOURCE_KINDS,
    TARGET_KINDS,
    Settings,
    features,
    measure,
    source_task,
    target_task,
)

SEEDS = (0, 1, 2)


def reference_features(params, X: np.ndarray) -> np.ndarray:
    """Convolution ('valid', by sliding windows) + bias, ReLU, 2x2 max pooling, flattened."""
    W, b = params["conv_W"][:, 0], params["conv_b"]  # (F, K, K), (F,)
    views = np.lib.stride_tricks.sliding_window_view(X[:, 0], W.shape[1:], axis=(1, 2))
    maps = np.maximum(np.einsum("nijkl,fkl->nfij", views, W) + b[None, :, None, None], 0)
    N, F, M, _ = maps.shape
    pooled = maps[:, :, : M // 2 * 2, : M // 2 * 2].reshape(N, F, M // 2, 2, M // 2, 2)
    return pooled.max(axis=(3, 5)).reshape(N, -1)


def test_settings_and_tasks():
    settings = Settings.from_params(demo_params("transfer", "transfer"))
    assert settings.examples == 20
    target, source = target_task(settings, seed=0), source_task(settings, seed=0)
    assert target.n_train == 20 and set(np.bincount(target.y_train)) <= {6, 7}
    assert not set(SOURCE_KINDS) & set(TARGET_KINDS)
    assert source.n_train > 100 * target.n_train
    with pytest.raises(ValueError):
        Settings.from_params({"examples": 1})


def test_the_head_sees_what_the_frozen_backbone_computes():
    settings = Settings()
    rng = np.random.default_rng(0)
    params = {"conv_W": rng.normal(size=(8, 1, 3, 3)).astype(np.float32),
              "conv_b": rng.normal(size=8).astype(np.float32),
              "Wo": np.zeros((200, len(SOURCE_KINDS)), np.float32),
              "bo": np.zeros(len(SOURCE_KINDS), np.float32)}
    X = target_task(settings, seed=1).X_val[:5]
    np.testing.assert_allclose(features(settings, params, X), reference_features(params, X),
                               rtol=1e-4, atol=1e-4)


def test_transfer_beats_a_fresh_start_on_few_examples():
    settings = Settings.from_params(demo_params("transfer", "transfer"))
    gaps = []
    for seed in SEEDS:
        outcome = measure(settings, seed)
        assert outcome.pretrained >= 0.85, outcome  # the backbone did learn its task
        gaps.append(outcome.transfer - outcome.scratch)
    assert np.mean(gaps) >= 0.10, gaps
