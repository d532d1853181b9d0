"""The input plane of the 2-D lessons: where a boundary is evaluated, and
whether the boundary a model draws there is a straight line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.nn.datasets import Dataset
from tutor.viz.boundary import Extent, grid_points


@dataclass(frozen=True)
class Plane:
    """A rows x cols grid of pixel centres over `extent`, top row (ymax) first:
    predictions on `points`, reshaped by `image`, are what
    `tutor.viz.boundary.decision_boundary` draws."""

    extent: Extent
    rows: int = 40
    cols: int = 64

    @classmethod
    def around(cls, dataset: Dataset, rows: int = 40, cols: int = 64,
               margin: float = 0.15) -> Plane:
        """The smallest square plane centred on 0 that holds every point, plus a margin."""
        reach = float(max(np.abs(dataset.X_train).max(), np.abs(dataset.X_val).max()))
        half = round(reach * (1.0 + margin), 1)
        return cls((-half, half, -half, half), rows, cols)

    @property
    def points(self) -> np.ndarray:
        """(rows * cols, 2) float32 inputs, in reading order (the renderer's own grid)."""
        return grid_points(self.extent, self.cols, self.rows).astype(np.float32)

    def image(self, predictions: np.ndarray) -> np.ndarray:
        """Predictions on `points` as (rows, cols) (or (rows, cols, C))."""
        values = np.asarray(predictions)
        return values.reshape(self.rows, self.cols, *values.shape[1:])

    def classes(self, predictions: np.ndarray) -> np.ndarray:
        """(rows * cols,) predicted class of every grid point."""
        values = np.asarray(predictions)
        return (values > 0.5).astype(np.int64) if values.ndim == 1 else values.argmax(axis=1)

    def boundary_is_straight(self, predictions: np.ndarray) -> bool:
        """True when one straight line separates the predicted classes on the
        grid (a single class counts: its boundary lies off the plane)."""
        classes = self.classes(predictions)
        points = self.points.astype(np.float64)
        kinds = np.unique(classes)
        return all(
            linearly_separable(points[classes == a], points[classes == b])
            for i, a in enumerate(kinds)
            for b in kinds[i + 1 :]
        )


def convex_hull(points: np.ndarray) -> np.ndarray:
    """(H, 2) corners of the convex hull, counter-clockwise (Andrew's monotone chain);
    one or two points when the set is a point or lies on a line."""
    unique = _row_ends(np.asarray(points, dtype=np.float64).reshape(-1, 2))
    if len(unique) <= 2:
        return unique

    def half(chain_points: np.ndarray) -> list[np.ndarray]:
        chain: list[np.ndarray] = []
        for p in chain_points:
            while len(chain) >= 2 and _cross(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(unique), half(unique[::-1])
    return np.array(lower[:-1] + upper[:-1])


def _row_ends(points: np.ndarray) -> np.ndarray:
    """The leftmost and rightmost point of every distinct y, sorted by x then y:
    only they can be corners of the hull (on a grid, 2 per row instead of all)."""
    if len(points) == 0:
        return points
    order = np.lexsort((points[:, 0], points[:, 1]))  # by y, then x
    ordered = points[order]
    ys = ordered[:, 1]
    first = np.r_[True, ys[1:] != ys[:-1]]
    last = np.r_[ys[1:] != ys[:-1], True]
    ends = np.unique(ordered[first | last], axis=0)  # sorted by x, then y
    return ends


def _cross(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def linearly_separable(a: np.ndarray, b: np.ndarray) -> bool:
    """True when a straight line has every point of `a` strictly on one side and
    every point of `b` on the other (an empty set is separable from anything).

    Two finite sets are separable exactly when their convex hulls are
    disjoint, and two disjoint convex polygons always have a separating axis
    among their edge normals; edge directions and the line between the
    centroids cover the flat cases (a point, or points on one line).
    """
    if len(a) == 0 or len(b) == 0:
        return True
    hulls = [convex_hull(a), convex_hull(b)]
    axes = [(hulls[1].mean(axis=0) - hulls[0].mean(axis=0))[None, :]]
    for hull in hulls:
        edges = np.roll(hull, -1, axis=0) - hull
        axes += [edges, np.column_stack([-edges[:, 1], edges[:, 0]])]
    candidates = np.concatenate(axes)  # (K, 2)
    lengths = np.hypot(candidates[:, 0], candidates[:, 1])
    candidates = candidates[lengths > 0] / lengths[lengths > 0, None]
    pa, pb = hulls[0] @ candidates.T, hulls[1] @ candidates.T  # (H, K) projections
    gap = 1e-9 * (float(np.abs(np.concatenate(hulls)).max()) + 1.0)
    apart = (pa.max(axis=0) < pb.min(axis=0) - gap) | (pb.max(axis=0) < pa.min(axis=0) - gap)
    return bool(apart.any())
