"""Gradient Lens for Python: record a PyTorch training run (gl.Run) or one batch (gl.save) in the
files the Gradient Lens editor extension and CLI read. NumPy only; PyTorch optional."""
from .run import Run
from .snapshot import save

__version__ = "0.1.0"
__all__ = ["Run", "save", "__version__"]
