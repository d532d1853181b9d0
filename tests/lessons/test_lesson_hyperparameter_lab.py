"""hyperparameter-lab: the knobs step along their ladders, every run lands in
the table, the search plans at most 9 runs over two knobs and reports its
progress; and the learning rate the slide picks beats a smaller one."""

from __future__ import annotations

import math

import pytest

from tests.lessons.lesson_slides import slide_params
from tutor.lessons import hyperparameter_lab as lesson
from tutor.lessons.runs import simulate

SEEDS = (0, 1, 2)


def slide_settings() -> lesson.Settings:
    return lesson.Settings.from_params(slide_params("hyperparameter-lab"))


def test_slide_settings() -> None:
    assert slide_settings().knobs == lesson.Knobs(0.1, "cosine", 32, 0.2)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_slides_rate_beats_a_smaller_one(seed: int) -> None:
    settings = slide_settings()
    data = lesson.dataset(settings, seed)
    slower = settings.knobs.stepped("lr", -1)
    results = {knobs.lr: lesson.Result.of(knobs, simulate(lesson.run(settings, data, knobs), seed))
               for knobs in (settings.knobs, slower)}
    chosen, small = results[settings.knobs.lr], results[slower.lr]
    assert chosen.state == "done" and chosen.steps == settings.steps
    assert chosen.best_val < 0.5 * math.log(data.n_classes)  # well below chance
    assert chosen.best_val < small.best_val


def test_knobs_step_along_their_ladders() -> None:
    knobs = lesson.Knobs(lr=0.1, schedule="cosine", batch=32, dropout=0.2)
    assert knobs.stepped("lr", +1).lr == 0.3 and knobs.stepped("lr", -1).lr == 0.03
    assert knobs.stepped("batch", +1).batch == 64
    assert knobs.stepped("dropout", -1).dropout == 0.1
    assert knobs.stepped("schedule", +1).schedule == "constant"  # wraps around
    assert lesson.Knobs(dropout=0.0).stepped("dropout", -1).dropout == 0.0  # stays at the end
    assert lesson.Knobs(lr=0.05).stepped("lr", +1).lr == 0.1  # off the ladder: nearest rung


def test_grid_search_plans_nine_runs_and_keeps_the_best() -> None:
    base = lesson.Knobs()
    search = lesson.Search(base, "grid")
    assert search.progress == (0, 9)
    assert {k.lr for k in search.plan} == {0.03, 0.1, 0.3}
    assert {k.dropout for k in search.plan} == {0.1, 0.2, 0.3}
    assert all(k.batch == base.batch and k.schedule == base.schedule for k in search.plan)
    scores = [0.5, 0.2, 0.9, 0.3, 0.1, 0.4, 0.6, 0.7, 0.8]
    while (knobs := search.next()) is not None:
        search.record(lesson.Result(knobs, scores[len(search.results)], 10, 600, 0.5, "done"))
    assert search.done and search.progress == (9, 9)
    assert search.best is not None and search.best.best_val == 0.1
    assert "9 of 9" in search.describe()


def test_random_search_draws_nine_distinct_values_in_range() -> None:
    search = lesson.Search(lesson.Knobs(), "random", seed=3)
    assert len(search.plan) == lesson.MAX_RUNS
    lrs = [k.lr for k in search.plan]
    dropouts = [k.dropout for k in search.plan]
    assert len(set(lrs)) == len(set(dropouts)) == lesson.MAX_RUNS
    assert all(0.001 <= lr <= 1.0 for lr in lrs) and all(0 <= p <= 0.5 for p in dropouts)
    assert lesson.Search(lesson.Knobs(), "random", seed=3).plan == search.plan


def test_results_table_marks_the_best_run() -> None:
    results = lesson.Results()
    results.add(lesson.Result(lesson.Knobs(), 0.4, 120, 600, 1.2, "done"))
    results.add(lesson.Result(lesson.Knobs(lr=0.3), 0.2, 300, 600, 1.1, "done"))
    results.add(lesson.Result(lesson.Knobs(lr=1.0), math.nan, -1, 35, 0.1, "diverged"))
    rows = results.table()
    assert len(rows) == 3 and all(len(r) == len(lesson.TABLE_HEADER) for r in rows)
    assert rows[1][0] == "2*" and rows[0][0] == "1"
    assert rows[2][5] == "diverged"
