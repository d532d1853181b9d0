# A 2-16-1 network on XOR-like points, in plain JAX.
import jax
import jax.numpy as jnp

kx, k1, k2 = jax.random.split(jax.random.key(0), 3)
x = jax.random.uniform(kx, (256, 2), minval=-1, maxval=1)  # (N, 2)
y = (x[:, :1] * x[:, 1:] > 0).astype(jnp.float32)          # (N, 1)
assert y.shape == (256, 1)
params = {"w1": jax.random.normal(k1, (2, 16)), "b1": jnp.zeros(16),
          "w2": jax.random.normal(k2, (16, 1)) * 0.25, "b2": jnp.zeros(1)}

def loss_fn(p, x, y):
    h = jax.nn.relu(x @ p["w1"] + p["b1"])                 # (N, 16)
    z = h @ p["w2"] + p["b2"]                              # (N, 1) logits
    return jnp.mean(jax.nn.softplus(z) - y * z)            # cross-entropy

@jax.jit
def train_step(p, x, y):
    loss, grads = jax.value_and_grad(loss_fn)(p, x, y)     # autodiff
    return jax.tree.map(lambda w, g: w - 0.1 * g, p, grads), loss

for _ in range(500):
    params, loss = train_step(params, x, y)

print(f"final loss {loss:.3f}")
