"""Start the explorer on this machine: ``mutinfo explore`` calls :func:`serve`."""

from __future__ import annotations

import socket
import threading
import webbrowser

__all__ = ["free_port", "serve"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def serve(host: str = "127.0.0.1", port: int | None = None, open_browser: bool = True) -> None:
    """Run the explorer with uvicorn until interrupted.

    Parameters
    ----------
    host : str, default "127.0.0.1"
        Interface to bind. The default keeps the explorer on this machine; uploaded data
        stays in this process's memory.
    port : int, optional
        TCP port (1..65535); None picks a free one.
    open_browser : bool, default True
        Open the URL in the default web browser once the server is up.

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

    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"http://{shown_host}:{port}/"
    print(f"mutinfo explorer running at {url}  (Ctrl+C to stop)", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
