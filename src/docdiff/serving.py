"""Serve an ASGI app under uvicorn on a socket bound beforehand.

Binding first makes a busy or forbidden address fail at once, before the
app starts its browser or a command prints that it is ready.
"""

import socket

import uvicorn


def bind(host: str, port: int) -> socket.socket:
    """Return a TCP socket bound to `host`:`port`, where port 0 picks a free one. Raises OSError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve_on(sock: socket.socket, app, **config) -> None:
    """Serve `app` on the bound `sock` until interrupted, with `config` passed to uvicorn.Config."""
    uvicorn.Server(uvicorn.Config(app, **config)).run(sockets=[sock])
