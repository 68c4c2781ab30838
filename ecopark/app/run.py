"""Starting and stopping the review app: `ecopark review OUT_DIR [--port N] [--no-browser]`.

It listens on 127.0.0.1 only. The socket is bound here (not by uvicorn), so that
the URL printed and opened names the port really used, and a busy default port
moves on to the next free one; a port asked for explicitly is used or refused.
Ctrl-C stops the server cleanly (uvicorn finishes the request in flight).
"""
from __future__ import annotations

import errno
import socket
import sys
import threading
import webbrowser
from pathlib import Path

from .queue import ReviewQueue
from .server import create_app, new_token

HOST = "127.0.0.1"
DEFAULT_PORT = 8750
PORT_TRIES = 20


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1: `port`, or the first free one from DEFAULT_PORT."""
    candidates = [port] if port is not None else range(DEFAULT_PORT, DEFAULT_PORT + PORT_TRIES)
    for candidate in candidates:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((HOST, candidate))
        except OSError as e:
            sock.close()
            if e.errno == errno.EADDRINUSE and port is None:
                continue
            raise OSError(e.errno, f"port {candidate} on {HOST} cannot be used ({e.strerror}); "
                                   f"choose another with --port") from None
        sock.listen(64)
        return sock
    raise OSError(errno.EADDRINUSE, f"ports {DEFAULT_PORT}–{DEFAULT_PORT + PORT_TRIES - 1} are all busy; "
                                    f"choose one with --port")


class ReviewServer:
    """The app on a bound socket; `start()` in a thread (tests), `run()` in the foreground (CLI)."""

    def __init__(self, out_dir: str | Path, port: int | None = None):
        import uvicorn

        self.queue = ReviewQueue(out_dir)
        self.token = new_token()
        self.sock = bind(port)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}/?token={self.token}"
        app = create_app(self.queue, self.token, self.port)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        self.server.run(sockets=[self.sock])

    def start(self) -> "ReviewServer":
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the review app did not start")
            self.thread.join(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(10)
        self.sock.close()


def serve(out_dir: str | Path, port: int | None = None, open_browser: bool = True) -> int:
    try:
        server = ReviewServer(out_dir, port)
    except (OSError, FileNotFoundError) as e:
        print(f"ecopark review: {e.strerror if isinstance(e, OSError) and e.strerror else e}", file=sys.stderr)
        return 2
    counts = server.queue.counts()
    print(f"ecopark review: {counts['left']} values left, {counts['reviewed']} reviewed in {out_dir}\n"
          f"  open {server.url}\n  (decisions go to {Path(out_dir) / 'corrections.csv'}; Ctrl-C stops)",
          file=sys.stderr, flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(server.url,)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.sock.close()
    print("ecopark review: stopped", file=sys.stderr)
    return 0
