"""Toy datasets: deterministic, well shaped, and numba-free."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tutor.nn import datasets
from tutor.nn.datasets import DATASETS, Dataset, make_dataset, max_offset, render_shape


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_deterministic_by_seed(name: str) -> None:
    a, b, c = make_dataset(name, seed=3), make_dataset(name, seed=3), make_dataset(name, seed=4)
    for field in ("X_train", "y_train", "X_val", "y_val"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_shapes_split_and_read_only(name: str) -> None:
    data = make_dataset(name, n=200, seed=0)
    assert isinstance(data, Dataset)
    assert data.n_train + data.n_val == 200 and data.n_val == 40
    assert data.X_train.shape[1:] == data.input_shape == data.X_val.shape[1:]
    assert data.y_train.shape[0] == data.n_train and data.y_val.shape[0] == data.n_val
    assert not data.X_train.flags.writeable and not data.y_val.flags.writeable
    if data.n_classes:
        assert data.y_train.dtype == np.int64
        assert data.y_train.min() >= 0 and data.y_train.max() < data.n_classes
    if data.X_train.dtype.kind == "f":
        assert data.X_train.dtype == np.float32 and np.isfinite(data.X_train).all()


@pytest.mark.parametrize("name", ["spiral", "moons", "circles", "xor", "blobs"])
def test_points_are_balanced_and_in_range(name: str) -> None:
    data = make_dataset(name, n=300, seed=1)
    X = np.concatenate([data.X_train, data.X_val])
    y = np.concatenate([data.y_train, data.y_val])
    assert X.shape[1] == 2 and np.abs(X).max() < 2.5
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


def test_noise_changes_points_not_labels() -> None:
    calm, noisy = datasets.circles(noise=0.0, seed=0), datasets.circles(noise=0.2, seed=0)
    radius = np.linalg.norm(calm.X_train, axis=1)
    np.testing.assert_allclose(radius, np.where(calm.y_train == 0, 1.0, 0.5), rtol=1e-6)
    assert np.array_equal(calm.y_train, noisy.y_train)


def test_render_shape_shifts_by_any_offset() -> None:
    centred = render_shape("cross", 8)
    assert centred.sum() == 9  # 5 + 5 - 1 pixels
    for dy, dx in [(1, -1), (-1, 1), (max_offset(), max_offset())]:
        np.testing.assert_array_equal(
            render_shape("cross", 8, (dy, dx)), np.roll(centred, (dy, dx), axis=(0, 1))
        )
    partly_out = render_shape("bar", 8, (4, 0))  # bar of 5 starting at row 5: 3 rows left
    assert partly_out.sum() == 3
    assert not render_shape("corner", 8, (20, -20)).any()
    assert render_shape("corner", 12).shape == (12, 12)
    with pytest.raises(ValueError):
        render_shape("circle")


def test_shape_images_follow_their_offsets() -> None:
    data = datasets.shapes(n=60, noise=0.0, seed=2)
    kinds = data.info["kinds"]
    offsets = data.info["offsets_train"]
    for image, label, offset in zip(data.X_train, data.y_train, offsets, strict=True):
        np.testing.assert_array_equal(image[0], render_shape(kinds[label], 8, tuple(offset)))


def test_shapes_validation_can_be_shifted_further() -> None:
    data = datasets.shapes(n=300, shift=0, val_shift=2, seed=0)
    assert not data.info["offsets_train"].any()
    assert np.abs(data.info["offsets_val"]).max() == 2


def test_lag_sequence_labels_are_the_lagged_token() -> None:
    data = datasets.lag_sequences(seq_len=12, lag=5, vocab_size=3, seed=0)
    assert data.X_train.shape[1] == 12 and data.n_classes == 3
    np.testing.assert_array_equal(data.y_train, data.X_train[:, 12 - 1 - 5])
    noisy = datasets.lag_sequences(seq_len=12, lag=5, vocab_size=3, label_noise=0.5, seed=0)
    agreement = np.mean(noisy.y_train == noisy.X_train[:, 6])
    assert 0.55 < agreement < 0.8  # half replaced, a third of those by the same token


@pytest.mark.parametrize("kind", ["previous", "match"])
def test_attention_pattern_explains_the_labels(kind: str) -> None:
    data = datasets.attention_task(kind, n=100, seq_len=8, seed=1)
    pattern = data.info["attention_train"]  # (N, T, T)
    X, y = data.X_train, data.y_train
    assert pattern.shape == (X.shape[0], 8, 8) and y.shape == X.shape
    np.testing.assert_array_equal(pattern.sum(axis=2), 1.0)
    source = pattern.argmax(axis=2)  # where each position looks
    looked_at = np.take_along_axis(X, source, axis=1)
    if kind == "previous":
        np.testing.assert_array_equal(source[:, 1:], np.arange(7)[None, :].repeat(X.shape[0], 0))
        np.testing.assert_array_equal(y, looked_at)
    else:
        payloads = 2
        assert (source != np.arange(8)[None, :]).all()  # never itself
        np.testing.assert_array_equal(
            X[:, :, None] // payloads == X[:, None, :] // payloads,
            (pattern > 0) | np.eye(8, dtype=bool)[None],
        )
        np.testing.assert_array_equal(y, looked_at % payloads)
    assert data.info["attention_val"].shape == (data.n_val, 8, 8)


def test_unknown_names_raise() -> None:
    with pytest.raises(KeyError):
        make_dataset("mnist")
    with pytest.raises(ValueError):
        datasets.attention_task("match", seq_len=7)


def test_importing_datasets_does_not_import_numba() -> None:
    code = (
        "import sys, tutor.nn.datasets as d; d.make_dataset('shapes')\n"
        "print('numba' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_every_shape_kind_is_its_own_pattern() -> None:
    kinds = datasets.SHAPE_KINDS + datasets.MORE_SHAPE_KINDS
    drawn = {kind: render_shape(kind, 7, extent=5) for kind in kinds}
    for kind, image in drawn.items():
        assert set(np.unique(image)) == {0.0, 1.0} and image.sum() >= 5, kind
        assert image[1:6, 1:6].sum() == image.sum()  # inside its 5x5 square
    patterns = {image.tobytes() for image in drawn.values()}
    assert len(patterns) == len(kinds)
    with pytest.raises(ValueError):
        render_shape("star", 7)
