"""Token sequences whose labels need memory (recurrent lessons) or a look at
one other position (attention lessons)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from tutor.nn.datasets.dataset import FLOAT, Dataset, split


def lag_sequences(
    n: int = 1000,
    seq_len: int = 10,
    vocab_size: int = 4,
    lag: int = 3,
    label_noise: float = 0.0,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """Random token sequences (N, seq_len); the label is the token `lag` steps
    before the last one, i.e. X[:, seq_len - 1 - lag]. A model must carry that
    token through `lag` more steps of input: longer lags need gated memory.

    label_noise: share of labels replaced by a random token.
    info: "vocab_size", "seq_len", "lag", "source_position".
    """
    if not 0 <= lag < seq_len:
        raise ValueError("need 0 <= lag < seq_len")
    rng = np.random.default_rng(seed)
    X = rng.integers(0, vocab_size, size=(n, seq_len)).astype(np.int64)
    source = seq_len - 1 - lag
    y = X[:, source].copy()
    noisy = rng.random(n) < label_noise
    y[noisy] = rng.integers(0, vocab_size, size=int(noisy.sum()))
    info = {"vocab_size": vocab_size, "seq_len": seq_len, "lag": lag, "source_position": source}
    return split("lag_sequences", X, y, rng, val_fraction, vocab_size, info=info)


AttentionKind = Literal["previous", "match"]


def attention_task(
    kind: AttentionKind = "previous",
    n: int = 1000,
    seq_len: int = 10,
    vocab_size: int = 8,
    n_payloads: int = 2,
    seed: int = 0,
    val_fraction: float = 0.2,
) -> Dataset:
    """Token sequences X (N, T) with a label per position y (N, T) that can only
    be produced by looking at ONE other position: info["attention_train"] /
    ["attention_val"] (N, T, T) hold that pattern (row t: where position t must look).

    "previous": y[t] = X[t - 1] (position 0 looks at itself: y[0] = X[0]);
        n_classes = vocab_size.
    "match": T/2 symbols each appear twice; token = symbol * n_payloads + payload.
        y[t] = payload of the OTHER position with the same symbol, so a position
        must find its partner. vocab = (T/2) * n_payloads, n_classes = n_payloads
        (vocab_size is ignored).
    info: "kind", "vocab_size", "seq_len".
    """
    rng = np.random.default_rng(seed)
    T = seq_len
    rows = np.arange(n)[:, None]
    if kind == "previous":
        X = rng.integers(0, vocab_size, size=(n, T)).astype(np.int64)
        source = np.maximum(np.arange(T) - 1, 0)[None, :].repeat(n, axis=0)  # (N, T)
        n_classes, vocab = vocab_size, vocab_size
    elif kind == "match":
        if T % 2:
            raise ValueError("'match' needs an even seq_len")
        n_symbols = T // 2
        symbols = np.argsort(rng.random((n, T)), axis=1) % n_symbols  # each symbol twice
        payloads = rng.integers(0, n_payloads, size=(n, T))
        X = (symbols * n_payloads + payloads).astype(np.int64)
        # the partner of t is the other position holding symbols[t]
        same = symbols[:, :, None] == symbols[:, None, :]  # (N, T, T)
        same &= ~np.eye(T, dtype=bool)[None]
        source = same.argmax(axis=2)  # (N, T)
        n_classes, vocab = n_payloads, n_symbols * n_payloads
    else:
        raise ValueError(f"unknown attention task {kind!r}")
    y = X[rows, source] if kind == "previous" else (X % n_payloads)[rows, source]
    pattern = np.zeros((n, T, T), dtype=FLOAT)
    pattern[rows, np.arange(T)[None, :], source] = 1.0
    info = {"kind": kind, "vocab_size": vocab, "seq_len": T}
    return split(
        f"attention_{kind}",
        X,
        y.astype(np.int64),
        rng,
        val_fraction,
        n_classes,
        info=info,
        per_example={"attention": pattern},
    )
