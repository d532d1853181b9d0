# A 2-16-1 network on XOR-like points, in Keras 3.
import keras
import numpy as np

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, (256, 2)).astype("float32")
y = (x[:, :1] * x[:, 1:] > 0).astype("float32")
assert y.shape == (256, 1)   # x: (N, 2), y: (N, 1)

model = keras.Sequential([
    keras.Input(shape=(2,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(1),   # logits
])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    loss=keras.losses.BinaryCrossentropy(
        from_logits=True))
# one full batch per epoch: 500 steps, loop by Keras
history = model.fit(x, y, batch_size=256,
                    epochs=500, verbose=0)

print(f"final loss {history.history['loss'][-1]:.3f}")
