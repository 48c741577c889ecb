"""Start the explorer on this machine: ``mutinfo explore`` calls :func:`serve`."""

from __future__ import annotations

import socket
import threading
import webbrowser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mutinfo.explorer.limits import ServerSettings

__all__ = ["BackgroundServer", "free_port", "serve"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def serve(
    host: str = "127.0.0.1",
    port: int | None = None,
    open_browser: bool = True,
    *,
    settings: ServerSettings | None = None,
) -> None:
    """Run the explorer with uvicorn until interrupted.

    Parameters
    ----------
    host : str, default "127.0.0.1"
        Interface to bind. The default keeps the explorer on this machine; uploaded data
        stays in this process's memory. Any other interface (e.g. "0.0.0.0") makes the
        server reachable from other machines: an
        :class:`~mutinfo.explorer.limits.ExposedServerWarning` is issued and logged.
    port : int, optional
        TCP port (1..65535); None picks a free one.
    open_browser : bool, default True
        Open the URL in the default web browser once the server is up.
    settings : ServerSettings, optional
        Upload, table-size and deadline limits (default: from the ``MUTINFO_EXPLORER_*``
        environment variables, see :class:`~mutinfo.explorer.limits.ServerSettings`).

    Raises
    ------
    ValueError
        ``port`` out of range.
    """
    if port is None:
        port = free_port(host)
    elif isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"`port` must be an integer in 1..65535 or None; got {port!r}.")

    import uvicorn

    from mutinfo.explorer.app import create_app
    from mutinfo.explorer.limits import warn_if_exposed

    warn_if_exposed(host)
    app = create_app(settings)

    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"http://{shown_host}:{port}/"
    print(f"mutinfo explorer running at {url}  (Ctrl+C to stop)", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")


class BackgroundServer:
    """The explorer served by uvicorn in a daemon thread on a free loopback port.

    For tests and scripts that need a real HTTP server in this process (a context manager;
    ``url`` and ``port`` are set once it has started).

    Parameters
    ----------
    app : ASGI application, optional
        Default ``create_app(settings)``.
    settings : ServerSettings, optional
        Passed to :func:`~mutinfo.explorer.app.create_app` when ``app`` is None.
    start_timeout_s : float, default 30
        How long to wait for the server to accept connections.
    """

    def __init__(
        self,
        app: object | None = None,
        *,
        settings: ServerSettings | None = None,
        start_timeout_s: float = 30.0,
    ) -> None:
        import uvicorn

        if app is None:
            from mutinfo.explorer.app import create_app

            app = create_app(settings)
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.start_timeout_s = start_timeout_s
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="mutinfo-explorer")

    def __enter__(self) -> BackgroundServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + self.start_timeout_s
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the explorer server did not start within {self.start_timeout_s} s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
