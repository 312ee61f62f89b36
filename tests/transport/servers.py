"""Real FTP and HTTP servers on 127.0.0.1 for the file transfer tests: what the ``ftp`` and
``web`` fixtures (conftest.py) yield, and the payload and login they serve."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Every byte value, bare CR and LF included: an ASCII-mode transfer or a sloppy multipart
# encoder would change it
PAYLOAD = bytes(range(256)) * 64
USER, PASSWORD = "cp001", "s3cret"


@dataclass
class Ftp:
    root: Path  # the home of both USER and anonymous
    port: int

    def url(self, path: str, login: str = f"{USER}:{PASSWORD}@") -> str:
        return f"ftp://{login}127.0.0.1:{self.port}/{path}"


class Web(ThreadingHTTPServer):
    """POST /upload stores the multipart part "file" in ``uploads``; GET /files/<name> serves
    ``files``; /fail answers 500, /moved redirects, /unsized sends PAYLOAD with no length."""

    daemon_threads = False  # server_close() joins the request threads

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), WebHandler)  # bound and listening on return
        self.uploads: dict[str, bytes] = {}
        self.authorizations: list[str | None] = []
        self.files: dict[str, bytes] = {"fw.bin": PAYLOAD}

    def url(self, path: str, login: str = "") -> str:
        return f"http://{login}127.0.0.1:{self.server_address[1]}{path}"


class WebHandler(BaseHTTPRequestHandler):
    server: Web

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/fail":
            self.send_error(500)
        elif self.path == "/moved":
            self.redirect("/upload")
        elif self.path != "/upload":
            self.send_error(404)
        else:
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            form = BytesParser(policy=policy.HTTP).parsebytes(head + body)
            for part in form.iter_parts():
                if part.get_param("name", header="content-disposition") == "file":
                    assert part.get_content_type() == "application/octet-stream"
                    data = part.get_payload(decode=True)
                    assert isinstance(data, bytes)
                    self.server.uploads[str(part.get_filename())] = data
            self.server.authorizations.append(self.headers["Authorization"])
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def do_GET(self) -> None:
        if self.path == "/fail":
            self.send_error(500)
        elif self.path == "/moved":
            self.redirect("/files/fw.bin")
        elif self.path == "/unsized":
            self.send_response(200)  # HTTP/1.0: the body ends when the connection does
            self.end_headers()
            self.wfile.write(PAYLOAD)
        elif (data := self.server.files.get(self.path.removeprefix("/files/"))) is not None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self.send_error(404)

    def redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass
