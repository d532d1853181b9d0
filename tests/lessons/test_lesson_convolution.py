"""convolution: every number the sliding demo shows is the cross-correlation,
computed here independently; and the trained CNN recognises shapes at
offsets it never saw, where an MLP of similar size cannot."""

from __future__ import annotations

import numpy as np
import pytest
from slide_demos import demo_params

from tutor.lessons.convolution import (
    KERNELS,
    PICTURE_SIZES,
    Settings,
    conv_layer_params,
    dense_layer_params,
    feature_map,
    measure,
    offsets,
    picture,
    pool_blocks,
    pooled,
    shifted_shapes,
    windows,
)

SEEDS = (0, 1, 2)


def direct_correlation(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """out[i, j] = sum_u sum_v image[i + u, j + v] * kernel[u, v], by loops."""
    K = kernel.shape[0]
    out = np.zeros((image.shape[0] - K + 1, image.shape[1] - K + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for u in range(K):
                for v in range(K):
                    out[i, j] += image[i + u, j + v] * kernel[u, v]
    return out


def direct_pool(fmap: np.ndarray) -> np.ndarray:
    rows, cols = (fmap.shape[0] + 1) // 2, (fmap.shape[1] + 1) // 2
    out = np.full((rows, cols), -np.inf)
    for i in range(fmap.shape[0]):
        for j in range(fmap.shape[1]):
            out[i // 2, j // 2] = max(out[i // 2, j // 2], fmap[i, j])
    return out


def test_the_slide_settings_and_its_worked_example():
    settings = Settings.from_params(demo_params("convolution", "convolution"))
    assert (settings.mode, settings.kernel, settings.image) == ("slide", "vertical-edge", 5)
    assert Settings.from_params(demo_params("pooling", "convolution")).mode == "train"
    fmap = feature_map(picture(settings.image), KERNELS[settings.kernel])
    np.testing.assert_array_equal(fmap, [[0, 3, 3]] * 3)  # the slide's feature map
    with pytest.raises(ValueError):
        Settings.from_params({"kernel": "emboss"})


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize("size", [PICTURE_SIZES[0], 8, PICTURE_SIZES[-1]])
def test_every_window_shows_the_numbers_under_it_and_their_sum(name, size):
    rng = np.random.default_rng(size)
    kernel = KERNELS[name]
    for image in (picture(size), rng.normal(size=(size, size))):
        expected = direct_correlation(image, kernel)
        steps = windows(image, kernel)
        assert [(w.row, w.col) for w in steps] == [
            (i, j) for i in range(expected.shape[0]) for j in range(expected.shape[1])]
        for w in steps:
            np.testing.assert_array_equal(w.patch, image[w.row : w.row + 3, w.col : w.col + 3])
            np.testing.assert_allclose(w.products, w.patch * kernel)
            assert w.value == pytest.approx(expected[w.row, w.col], abs=1e-12)
        np.testing.assert_allclose(feature_map(image, kernel), expected, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (5, 2), (1, 1)])
def test_max_pooling_keeps_the_largest_value_of_each_block(shape):
    fmap = np.random.default_rng(sum(shape)).normal(size=shape)
    np.testing.assert_array_equal(pooled(fmap), direct_pool(fmap))
    for block in pool_blocks(fmap):
        assert fmap[block.winner] == block.value
        assert block.top <= block.winner[0] < block.bottom
        assert block.left <= block.winner[1] < block.right


def test_the_pooling_slides_example():
    fmap = np.array([[1, 3, 0, 2], [4, 2, 1, 0], [0, 1, 5, 6], [2, 0, 3, 1]], dtype=float)
    np.testing.assert_array_equal(pooled(fmap), [[4, 2], [2, 6]])


def test_training_and_test_offsets_never_meet():
    seen, unseen = set(offsets(seen=True)), set(offsets(seen=False))
    assert len(seen) == 16 and len(unseen) == 33 and not seen & unseen
    data = shifted_shapes(n_train=30, n_test=30, seed=0)
    assert {tuple(o) for o in data.info["offsets_train"]} <= seen
    assert {tuple(o) for o in data.info["offsets_val"]} <= unseen


def test_a_convolution_layer_needs_far_fewer_weights_than_a_dense_one():
    assert conv_layer_params() == 8 * 9 + 8
    assert dense_layer_params() == (144 + 1) * 8 * 10 * 10


def test_the_cnn_recognises_shapes_at_unseen_offsets_and_the_mlp_does_not():
    cnn_scores, mlp_scores = [], []
    for seed in SEEDS:
        cnn, mlp = measure(seed)
        assert 0.8 < mlp.n_params / cnn.n_params < 1.25  # a similar budget
        assert mlp.seen >= 0.9, mlp  # the MLP did learn what it saw
        cnn_scores.append(cnn.unseen)
        mlp_scores.append(mlp.unseen)
    assert min(cnn_scores) >= 0.85, cnn_scores
    assert max(mlp_scores) <= 0.6, mlp_scores
