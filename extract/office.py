"""LibreOffice as an optional converter, for the formats no Python library reads reliably.

Used where it is installed (soffice on the PATH) and never needed by the tests
that CI runs. Each conversion gets its own LibreOffice profile directory: two
conversions sharing the default profile block each other. When LibreOffice is
missing, the caller's sentence says which format the file is and what to
install or how to save it instead.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ecopark.schemas.grid import ReadError

TIMEOUT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(path: Path, target: str, what: str, missing: str, suffix: str | None = None) -> Iterator[Path]:
    """`path` saved by LibreOffice as `target` (a suffix such as "xlsx"), in a temporary folder.

    `what` names the file's format in error sentences; `missing` is the sentence when
    LibreOffice is not installed; `suffix` is the input name's suffix LibreOffice needs to pick
    its import filter (the file's own suffix by default)."""
    office = soffice()
    if office is None:
        raise ReadError(missing)
    with tempfile.TemporaryDirectory(prefix="ecopark-office-") as tmp:
        work = Path(tmp)
        source = work / ("input" + (suffix or path.suffix.lower() or ".bin"))  # a plain name: some paths trip it
        shutil.copyfile(path, source)
        command = [office, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", target, "--outdir", str(work / "out"), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError(f"LibreOffice did not convert this {what} within {TIMEOUT_SECONDS} s") from None
        result = work / "out" / f"input.{target.split(':')[0]}"
        if not result.exists():
            raise ReadError(f"LibreOffice could not convert this {what}; it may be damaged or password-protected")
        yield result
