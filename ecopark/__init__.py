"""ecopark: the indicator tables of eco-industrial park evaluation reports as a reviewable dataset.

From Python::

    import ecopark
    d = ecopark.read("reports/")            # every report below the folder, read in memory
    d = ecopark.read("reports/", out="out") # ... and all outputs written to out/ (as `ecopark ingest`)
    d = ecopark.read("out")                 # an output folder written before: loaded, nothing re-read
    d.records      # one row per value cell, corrections applied
    d.panel        # one row per park × year × indicator: the chosen value, why, and its source
    d.panel_wide   # one row per park × year, one column per indicator
    d.documents    # one row per input file

`read` and `Dataset` are the API (ecopark.api); `ecopark.__version__` is the
installed version. They are loaded on first use, so that `import ecopark`
(and the CLI, and worker processes) do not pay for pandas until needed.
"""
from __future__ import annotations

__all__ = ["read", "Dataset", "__version__"]

_LAZY = {"read": "ecopark.api", "Dataset": "ecopark.api"}


def _version() -> str:
    """The installed distribution's version: pyproject.toml's, the one place it is written."""
    from importlib import metadata

    try:
        return metadata.version("ecopark")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ecopark' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
