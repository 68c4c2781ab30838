"""What a person sees while a batch runs.

On a terminal: a tqdm bar with files done/total, the file that just finished,
elapsed time and ETA. Elsewhere (a log, CI, a pipe): one line per file, printed
as that file finishes, so a fast file never waits behind a slow scan.
"""
from __future__ import annotations

import os
import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, quiet: bool = False, bar: bool | None = None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.monotonic()
        if bar is None:
            bar = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar = None
        if bar and not quiet and total:
            from tqdm import tqdm

            try:
                width = os.get_terminal_size(self.stream.fileno()).columns
            except (OSError, ValueError, AttributeError):
                width = 0
            # a terminal that reports no width (some consoles, ptys) would get an empty bar;
            # mininterval=0, miniters=1: every finished file redraws (tqdm's default skips
            # updates within 0.1 s, so a batch of fast files showed 0/5 then 2/5)
            self.bar = tqdm(total=total, file=self.stream, unit="file", dynamic_ncols=width > 0,
                            mininterval=0, miniters=1,
                            ncols=None if width > 0 else 100, nrows=None if width > 0 else 24,
                            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]")

    def finished(self, line: str, name: str = "") -> None:
        self.done += 1
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.set_postfix_str(name[-50:], refresh=False)
            self.bar.update(1)
            if "error" in line.split(":", 1)[-1][:12]:
                self.bar.write(line, file=self.stream)
        else:
            print(f"[{self.done}/{self.total}] {line}", file=self.stream, flush=True)

    def note(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
