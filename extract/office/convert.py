"""LibreOffice as an optional converter, for the formats no Python library reads reliably.

Used where it is installed (soffice on the PATH) and never needed by the tests
that CI runs. Each conversion gets its own LibreOffice profile directory: two
conversions sharing the default profile block each other. When LibreOffice is
missing, the caller's sentence says which format the file is and what to
install or how to save it instead.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ecopark.schemas.grid import ReadError

from ecopark.extract import limits


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# the library of each LibreOffice component, by the file name it has on every platform
# (libsclo.so, libsclo.dylib, sclo.dll): a system may install Writer alone
COMPONENTS = {"docx": ("swlo", "Writer", "libreoffice-writer"), "xlsx": ("sclo", "Calc", "libreoffice-calc")}


def lacks_component(office: str, target: str) -> str | None:
    """The sentence to say when LibreOffice is installed without the component a conversion to
    `target` needs, or None when it has it or when that cannot be told: only where the folder of
    the soffice program shows another component's library is the missing one known to be missing."""
    need = COMPONENTS.get(target.split(":")[0])
    program = Path(office).resolve().parent
    if need is None or not program.is_dir():
        return None
    stems = {n.name.split(".")[0].removeprefix("lib") for n in program.iterdir()}
    if need[0] in stems or not any(c[0] in stems for c in COMPONENTS.values()):
        return None
    return f"LibreOffice is installed without {need[1]}, which reading this file needs (e.g. apt-get install {need[2]})"


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
        if not _run(command, limits.current().seconds_per_file):
            raise ReadError(f"not read: LibreOffice did not convert this {what} within the limit of "
                            f"{limits.describe('seconds_per_file')}; it may be damaged")
        result = work / "out" / f"input.{target.split(':')[0]}"
        if not result.exists():
            raise ReadError(lacks_component(office, target)
                            or f"LibreOffice could not convert this {what}; it may be damaged or password-protected")
        yield result


def _run(command: list[str], seconds: float) -> bool:
    """LibreOffice in a session of its own; False when it overran `seconds`. The whole session
    is killed then: `soffice` is a launcher, and the office process it starts would otherwise
    outlive the timeout, still converting a hostile file."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        return False
