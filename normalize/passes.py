"""Passes that run over all records of one document after they are built.

Each pass is `pass_(records: list[Record], facts: metadata.Facts) -> None` and
may add flags, reasons, suggestions and computed compliance. Order matters:
consistency checks first (they produce repair suggestions), compliance after.
"""
from __future__ import annotations

DOCUMENT_PASSES: list = []

from ecopark.normalize.checks import check_consistency  # noqa: E402

DOCUMENT_PASSES.append(check_consistency)

from ecopark.normalize.compliance import check_compliance  # noqa: E402

DOCUMENT_PASSES.append(check_compliance)
