"""attention-map: the sentence's map is a proper (illustrative) attention
map with the slide's row, and the tiny model's map goes from near uniform
to >= 80% of every row's weight on the right position within the budget."""

from __future__ import annotations

import numpy as np
import pytest
from slide_demos import demo_params

from tutor.lessons.attention_map import (
    FOCUSED,
    ILLUSTRATIVE,
    ILLUSTRATIVE_NOTE,
    SENTENCE,
    Settings,
    focus,
    measure,
    toy_task,
)

SEEDS = (0, 1, 2)


def test_the_sentence_map_is_an_attention_map_with_the_slides_row():
    settings = Settings.from_params(demo_params("attention", "attention-map"))
    assert SENTENCE[settings.token_index] == "cat"
    assert ILLUSTRATIVE.shape == (len(SENTENCE), len(SENTENCE))
    np.testing.assert_allclose(ILLUSTRATIVE.sum(axis=1), 1.0)
    assert np.all(ILLUSTRATIVE >= 0)
    np.testing.assert_allclose(ILLUSTRATIVE[settings.token_index],
                               [0.10, 0.35, 0.30, 0.05, 0.05, 0.15])
    assert "illustrative" in ILLUSTRATIVE_NOTE
    with pytest.raises(ValueError):
        Settings.from_params({"token": "dog"})


def test_the_target_map_copies_the_previous_token():
    data = toy_task(Settings(), seed=4)
    X, y = np.asarray(data.X_val), np.asarray(data.y_val)
    target = np.asarray(data.info["attention_val"])
    np.testing.assert_array_equal(y, np.einsum("ntu,nu->nt", target, X).astype(int))
    assert np.all(target[:, 0, 0] == 1) and np.all(target[:, 1:, :-1].diagonal(0, 1, 2) == 1)


def test_focus_measures_the_weight_on_the_target():
    target = np.zeros((2, 3, 3))
    target[:, [0, 1, 2], [0, 0, 1]] = 1
    uniform = np.full((2, 3, 3), 1 / 3)
    np.testing.assert_allclose(focus(uniform, target), 1 / 3)
    np.testing.assert_allclose(focus(target, target), 1.0)


def test_the_map_sharpens_from_uniform_onto_the_previous_position():
    settings = Settings.from_params(demo_params("attention", "attention-map"))
    uniform = 1 / settings.length
    for seed in SEEDS:
        outcome = measure(settings, seed)
        assert outcome.start.max() < 2.5 * uniform, (seed, outcome.start)
        assert outcome.end.min() >= FOCUSED, (seed, outcome.end)
        assert outcome.accuracy >= 0.95, (seed, outcome.accuracy)
