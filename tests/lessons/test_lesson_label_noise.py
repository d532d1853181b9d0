"""label-noise: mean test accuracy over 3 seeds falls from 0% to 20% to 40%
flipped training labels."""

from __future__ import annotations

import numpy as np

from tests.lessons.lesson_slides import slide_params
from tutor.lessons import label_noise as lesson
from tutor.lessons.runs import simulate

SEEDS = (0, 1, 2)


def test_test_accuracy_follows_the_labels_down() -> None:
    settings = lesson.Settings.from_params(slide_params("label-noise"))
    assert settings.noise == 0.2
    table = lesson.NoiseTable()
    for share in (0.0, settings.noise, 0.4):
        for seed in SEEDS:
            final = simulate(lesson.run(settings, lesson.dataset(settings, share, seed)), seed)
            table.record(share, seed, final.val_accuracy)
    means = [mean for _, mean, _ in table.rows()]
    assert means[0] > means[1] > means[2]
    assert table.falls()
    assert "falls" in table.describe()


def test_flipping_changes_exactly_the_share_and_never_the_test_set() -> None:
    clean = lesson.clean_dataset(lesson.Settings(), 0)
    noisy = lesson.flip_labels(clean, 0.2, seed=0)
    changed = np.asarray(noisy.y_train) != np.asarray(clean.y_train)
    assert changed.sum() == round(0.2 * clean.n_train)
    assert np.array_equal(changed, noisy.info["flipped"])
    assert np.array_equal(noisy.y_val, clean.y_val)
    assert np.array_equal(lesson.flip_labels(clean, 0.0).y_train, clean.y_train)


def test_table_waits_for_every_seed() -> None:
    table = lesson.NoiseTable()
    for seed in SEEDS:
        table.record(0.0, seed, 0.99)
    table.record(0.2, 0, 0.5)
    assert not table.falls()  # 0.2 has one seed of three
    for seed in SEEDS[1:]:
        table.record(0.2, seed, 0.8)
    assert table.falls()
    assert "(1/3)" not in table.describe()
