# A 2-16-1 network on XOR-like points, in PyTorch.
import torch
from torch import nn

torch.manual_seed(0)
x = torch.rand(256, 2) * 2 - 1                    # (N, 2) in [-1, 1]
y = (x[:, :1] * x[:, 1:] > 0).float()             # (N, 1): signs agree
assert y.shape == (256, 1)

model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.BCEWithLogitsLoss()                  # sigmoid + cross-entropy

for _ in range(500):
    opt.zero_grad()
    loss = loss_fn(model(x), y)                   # logits (N, 1) vs y (N, 1)
    loss.backward()                               # autodiff fills .grad
    opt.step()                                    # nudge every weight

print(f"final loss {loss.item():.3f}")
