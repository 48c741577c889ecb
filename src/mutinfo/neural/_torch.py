"""The one place the neural estimators import torch, with a message that names the extra.

Importing :mod:`mutinfo` or :mod:`mutinfo.neural` never imports torch; the private modules
that build and train networks import it from here, the first time a neural estimate is run.
"""

from __future__ import annotations

__all__ = ["INSTALL_HINT", "torch"]

#: The command that installs the optional dependency, quoted in the ImportError.
INSTALL_HINT = 'pip install "mutinfo[neural]"'

try:
    import torch
except ImportError as exc:  # torch missing, or blocked (sys.modules["torch"] = None)
    raise ImportError(
        "The neural MI estimators (mutinfo.neural, method='infonce' | 'nwj' | 'mine') need "
        f"PyTorch, which is an optional dependency: install it with `{INSTALL_HINT}`."
    ) from exc
