"""The whole MLP in one kernel: forward, loss, backward and the optimizer
update of the flat parameter vector, without returning to Python.

Buffers are those of `tutor.nn.models.mlp` (flat, feature-major, one block
per layer, located by `layer_offsets`). Matrix products go to BLAS (see
`tutor.nn.kernels.dense` for the folded-bias layout), everything elementwise
is a fused, vectorised loop.
"""

from __future__ import annotations

import numpy as np

from tutor.nn.jit import kernel
from tutor.nn.kernels.activations import activation_backward, activation_forward
from tutor.nn.kernels.dense import dense_backward, dense_forward, dense_input_grad
from tutor.nn.kernels.dropout import dropout_forward
from tutor.nn.kernels.losses import loss_and_delta, output_values
from tutor.nn.optim import apply_update


def layer_offsets(sizes: tuple[int, ...], B: int) -> np.ndarray:
    """(3, L + 1) int64: where dense layer l starts in theta (row 0), acts (row 1)
    and pre (row 2); column L is the end. Computed once per batch size, in
    Python: allocating inside a kernel costs compile time and calls."""
    L = len(sizes) - 1
    offsets = np.zeros((3, L + 1), np.int64)
    for layer in range(L):
        offsets[0, layer + 1] = offsets[0, layer] + (sizes[layer] + 1) * sizes[layer + 1]
        offsets[1, layer + 1] = offsets[1, layer] + (sizes[layer] + 1) * B
        offsets[2, layer + 1] = offsets[2, layer] + sizes[layer + 1] * B
    return offsets


PREDICT, GRADIENTS, TRAIN = 0, 1, 2  # what mlp_pass does after the forward pass


@kernel
def mlp_pass(
    mode: int,  # PREDICT: outputs -> out; GRADIENTS: loss, grad; TRAIN: also update theta
    B: int,  # batch size
    theta: np.ndarray,  # (P,) parameters [W0; b0; W1; b1; ...]
    grad: np.ndarray,  # (P,) out: d loss / d theta
    sizes: np.ndarray,  # (L + 1,) units per layer, input first
    offsets: np.ndarray,  # (3, L + 1) from layer_offsets
    activation: int,
    slope: float,  # leaky ReLU
    loss: int,
    rate: float,  # dropout rate of hidden units (0: off)
    uniforms: np.ndarray,  # U[0, 1) per hidden unit and example (if rate > 0)
    acts: np.ndarray,  # block 0 holds the inputs
    pre: np.ndarray,
    dpre: np.ndarray,
    T: np.ndarray,  # (n_L, B) float targets (BCE, MSE)
    labels: np.ndarray,  # (B,) int labels (cross-entropy)
    out: np.ndarray,  # (n_L, B) out (PREDICT): probabilities or regression values
    work: np.ndarray,  # (2, B) float64 scratch of the loss
    decay_mask: np.ndarray,  # the rest: optimizer state and hyper-parameters,
    m: np.ndarray,  # see Optimizer.prepare_step (ignored unless TRAIN)
    v: np.ndarray,
    kind: int,
    lr: float,
    momentum: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    correction1: float,
    correction2: float,
) -> float:
    """One call per model operation: a training step is forward, loss,
    backward and update without returning to Python. Returns the mean data
    loss before the update (0 for PREDICT).

    One flat kernel on purpose: numba re-optimises all the code a kernel
    calls each time it compiles a caller, so every extra level of wrapping
    (separate forward/backward kernels, or one kernel per mode) cost about
    a second of cold compile (measured: 1.0 s for a trivial wrapper).
    """
    L = sizes.shape[0] - 1
    theta_at, acts_at, pre_at = offsets[0], offsets[1], offsets[2]

    # forward: Z_l = [W_l; b_l]^T A_l, A_{l+1} = f(Z_l) (* dropout mask); pre <- f'(Z_l)
    for layer in range(L):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        Wb = theta[theta_at[layer] : theta_at[layer + 1]].reshape((n_in + 1, n_out))
        A = acts[acts_at[layer] : acts_at[layer] + (n_in + 1) * B].reshape((n_in + 1, B))
        z = pre[pre_at[layer] : pre_at[layer + 1]]  # (n_out * B,)
        dense_forward(Wb, A, z.reshape((n_out, B)))
        if layer < L - 1:
            a = acts[acts_at[layer + 1] : acts_at[layer + 1] + n_out * B]
            activation_forward(activation, z, a, slope)
            if rate > 0.0:
                dropout_forward(a, z, uniforms[pre_at[layer] : pre_at[layer + 1]], rate)

    Z = pre[pre_at[L - 1] :].reshape((sizes[L], B))  # (n_L, B) network outputs
    if mode == PREDICT:
        output_values(loss, Z, out, work)
        return 0.0
    value = loss_and_delta(loss, Z, T, labels, dpre[pre_at[L - 1] :].reshape((sizes[L], B)), work)

    # backward: d[W_l; b_l] = A_l dZ_l^T, dA_l = W_l dZ_l, dZ_{l-1} = dA_l * f'(Z_{l-1})
    for layer in range(L - 1, -1, -1):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        Wb = theta[theta_at[layer] : theta_at[layer + 1]].reshape((n_in + 1, n_out))
        dWb = grad[theta_at[layer] : theta_at[layer + 1]].reshape((n_in + 1, n_out))
        A = acts[acts_at[layer] : acts_at[layer] + (n_in + 1) * B].reshape((n_in + 1, B))
        dZ = dpre[pre_at[layer] : pre_at[layer + 1]].reshape((n_out, B))
        dense_backward(A, dZ, dWb)
        if layer > 0:  # (the inputs need no gradient)
            dA = dpre[pre_at[layer - 1] : pre_at[layer]]  # d loss / d (hidden layer l output)
            dense_input_grad(Wb, dZ, dA.reshape((n_in, B)))
            activation_backward(dA, pre[pre_at[layer - 1] : pre_at[layer]])

    if mode == TRAIN:
        apply_update(
            theta, grad, decay_mask, m, v, kind, lr, momentum, beta1, beta2, eps,
            weight_decay, correction1, correction2,
        )  # fmt: skip
    return value
