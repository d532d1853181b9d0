# A 2-16-1 network on XOR-like points, in plain JAX.
import jax
import jax.numpy as jnp

key = jax.random.key(0)
kx, k1, k2 = jax.random.split(key, 3)
x = jax.random.uniform(kx, (256, 2), minval=-1)
y = (x[:, :1] * x[:, 1:] > 0).astype(jnp.float32)
assert y.shape == (256, 1)   # x: (N, 2), y: (N, 1)
params = {
    "w1": jax.random.normal(k1, (2, 16)),
    "b1": jnp.zeros(16),
    "w2": jax.random.normal(k2, (16, 1)) * 0.25,
    "b2": jnp.zeros(1),
}

def loss_fn(p, x, y):
    h = jax.nn.relu(x @ p["w1"] + p["b1"])  # (N, 16)
    z = h @ p["w2"] + p["b2"]      # (N, 1) logits
    # binary cross-entropy, from the logits
    return jnp.mean(jax.nn.softplus(z) - y * z)

@jax.jit
def train_step(p, x, y):
    grad_fn = jax.value_and_grad(loss_fn)
    loss, grads = grad_fn(p, x, y)  # autodiff
    p = jax.tree.map(lambda w, g: w - 0.1 * g,
                     p, grads)
    return p, loss

for _ in range(500):
    params, loss = train_step(params, x, y)

print(f"final loss {loss:.3f}")
