# A 2-16-1 network on XOR-like points, in PyTorch.
import torch
from torch import nn

torch.manual_seed(0)
x = torch.rand(256, 2) * 2 - 1         # (N, 2)
y = (x[:, :1] * x[:, 1:] > 0).float()  # (N, 1)
assert y.shape == (256, 1)

model = nn.Sequential(
    nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.BCEWithLogitsLoss()  # sigmoid + BCE

for _ in range(500):
    opt.zero_grad()
    loss = loss_fn(model(x), y)  # (N, 1) vs (N, 1)
    loss.backward()              # autodiff: .grad
    opt.step()                   # update weights

print(f"final loss {loss.item():.3f}")
