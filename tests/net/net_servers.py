"""Local servers for the outbound client's tests: a well-behaved one and a hostile trickler.

``Site`` is a threaded HTTP server on 127.0.0.1 with a few paths (``/ok``, ``/headers``,
``/redirect?to=...``, ``/loop-a`` ⇄ ``/loop-b``, ``/stream?bytes=N`` without Content-Length). ``Trickler`` is a raw
socket server that sends its answer one byte at a time, ``interval`` seconds apart, either
the status line and headers (``phase="headers"``) or the body after prompt headers
(``phase="body"``; with ``refuse_head`` a HEAD gets a prompt 405, so a link check has to
GET; ``phase="none"`` sends a fixed ``reply`` at once, every time; ``phase="raw"`` trickles
``reply`` without waiting for a request, as a TLS server stuck in its handshake); it records whether the whole answer went out and when the client hung up.
"""
from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from typing import Self
from urllib.parse import parse_qs, urlsplit


class _Running:
    """A server run in a daemon thread for the length of a ``with`` block."""

    def _run(self) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()
        self._thread.join(timeout=5)


class Site(_Running):
    """A threaded HTTP server on 127.0.0.1; ``seen`` lists (method, path) of every request."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def reply(self) -> None:
                site.seen.append((self.command, self.path))
                site.answer(self, self.command)

            do_GET = do_HEAD = reply

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def answer(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        if parts.path == "/ok":
            self.send(handler, 200, b"a,b\n1,2\n" if method == "GET" else b"", length=8)
        elif parts.path == "/headers":
            body = json.dumps({k.lower(): v for k, v in handler.headers.items()}).encode()
            self.send(handler, 200, body)
        elif parts.path in ("/redirect", "/loop-a", "/loop-b"):
            to = {"/loop-a": "/loop-b", "/loop-b": f"{self.base}/loop-a"}.get(parts.path) or query["to"][0]
            handler.send_response(302)
            handler.send_header("Location", to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        elif parts.path == "/stream":
            handler.send_response(200)
            handler.send_header("Connection", "close")  # no Content-Length: read until the end
            handler.end_headers()
            handler.close_connection = True
            remaining = int(query["bytes"][0])
            try:
                while remaining > 0:
                    piece = min(remaining, 64 * 1024)
                    handler.wfile.write(b"x" * piece)
                    remaining -= piece
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its cap
        else:
            self.send(handler, 404, b"")

    @staticmethod
    def send(handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes, length: int | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        if body:
            handler.wfile.write(body)

    def _run(self) -> None:
        self.httpd.serve_forever(poll_interval=0.05)

    def _close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Trickler(_Running):
    """Answers every request one byte per ``interval`` seconds (a hostile, slow server)."""

    BODY = b"x" * 200

    def __init__(
        self, phase: str = "body", interval: float = 1.0, refuse_head: bool = False, reply: bytes | None = None
    ) -> None:
        self.phase = phase
        self.refuse_head = refuse_head
        self.reply = reply
        self.interval = interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.requests: list[str] = []
        self.first_byte = threading.Event()
        self.hung_up = threading.Event()  # the client closed the connection before the end
        self.finished = threading.Event()  # a whole answer went out
        self.hung_up_at: float | None = None
        self._stop = threading.Event()

    def answer(self) -> bytes:
        if self.reply is not None:
            return self.reply
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(self.BODY)}\r\nContent-Type: text/csv\r\n\r\n".encode()
        return head + self.BODY

    def _close(self) -> None:
        self._stop.set()
        self.listener.close()

    def _run(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            request = b"" if self.phase != "raw" else b"TLS\r\n\r\n"  # raw: no HTTP request to wait for
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            line = request.split(b"\r\n", 1)[0].decode()
            self.requests.append(line)
            if self.refuse_head and line.startswith("HEAD "):
                conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            answer = self.answer()
            if self.phase in ("headers", "raw"):
                split = 0
            elif self.phase == "none":
                split = len(answer)
            else:  # body: prompt headers
                split = answer.index(b"\r\n\r\n") + 4
            conn.sendall(answer[:split])
            conn.settimeout(self.interval)
            for index in range(split, len(answer)):
                try:
                    conn.sendall(answer[index : index + 1])
                    self.first_byte.set()
                    # a client that hung up shows as EOF (or a reset) on our side
                    if self._peer_closed(conn):
                        break
                except OSError:
                    break
                if self._stop.wait(self.interval):
                    return
            else:
                self.finished.set()
                return
            self.hung_up_at = time.monotonic()
            self.hung_up.set()

    def _peer_closed(self, conn: socket.socket) -> bool:
        try:
            conn.setblocking(False)
            try:
                return conn.recv(1, socket.MSG_PEEK) == b""
            except BlockingIOError:
                return False
            finally:
                conn.setblocking(True)
                conn.settimeout(self.interval)
        except OSError:
            return True
