"""The live demos a slide may name in its `demo:` field.

A registry so that `dltutor check` catches a misspelt demo name, and so the
app can say what a slide's demo is called before the widget exists. The
widgets themselves live in the UI layer and register by these names.
"""

from __future__ import annotations

DEMOS: dict[str, str] = {
    "simple-vs-deep": "Simple model vs deep net",
    "one-neuron": "One neuron",
    "linear-vs-nonlinear": "Linear vs non-linear",
    "activation-explorer": "Activation explorer",
    "softmax": "Softmax bars",
    "step-training": "Step-through training",
    "lr-race": "Learning-rate race",
    "overfitting": "Overfitting and early stopping",
    "hyperparameter-lab": "Hyperparameter lab",
    "convolution": "Convolution",
    "memory-over-time": "Memory over time",
    "attention-map": "Attention map",
    "matmul": "Matrix multiplication",
    "label-noise": "Label noise",
    "transfer": "Transfer learning",
    "framework-code": "One model in three frameworks",
    "decision-guide": "Do I need my own model?",
}
"""Demo name -> the title shown to learners."""
