"""File transfers for a simulated charge point: diagnostics up, firmware down, over FTP or HTTP.

OCPP 1.6 leaves these transfers to the URL the central system sends: GetDiagnostics (section
5.9) gives a directory ``location`` to upload a diagnostics file to, UpdateFirmware (section
5.19) the ``location`` of a firmware file to download. The scheme picks the protocol: ``ftp://``
(login from the URL, anonymous without one, passive mode, binary) or ``http://`` /
``https://`` (a multipart POST up, a GET down).

This is a thin adapter over the standard library's blocking ``ftplib`` and ``urllib``, run in a
worker thread, with ``timeout`` on every socket operation: a cancelled caller stops waiting at
once, but the thread runs on until the transfer ends or a socket times out. Every failure
becomes one :class:`TransferError` whose message names the URL with its password masked;
nothing else escapes but ValueError for a ``file_name`` that is not a plain name (the
caller's mistake, not the network's).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ftplib
import http.client
import io
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email.message import Message
from typing import IO, TypeVar
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

__all__ = ["TransferError", "download", "mask", "upload"]

_T = TypeVar("_T")

SCHEMES = ("ftp", "http", "https")
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class TransferError(Exception):
    """An upload or download failed; the message names the (masked) URL and the reason."""


class _Failed(Exception):
    """A failure already put into words (an HTTP status, a file too large)."""


def _too_large(max_bytes: int) -> _Failed:
    return _Failed(f"the file is larger than {max_bytes} bytes")


# scheme://user:password@ up to the authority's last "@" (an unescaped "@" may sit in a
# password, never in a host); a pattern, not urlsplit, so that even a broken URL is masked
_PASSWORD = re.compile(r"^([^:/?#]+://[^:/?#@]*):[^/?#]*@")


def mask(url: str) -> str:
    """``url`` with the password in its user info, if any, replaced by ``***``."""
    return _PASSWORD.sub(r"\1:***@", url, count=1)


async def upload(
    location: str, file_name: str, data: bytes, *, timeout: float = DEFAULT_TIMEOUT
) -> str:
    """Upload ``data`` as ``file_name`` into the directory URL ``location``.

    FTP: log in, change into each directory of the URL's path in turn (relative to the login
    directory, as RFC 1738 says; missing ones are an error, not created), STOR. HTTP(S): POST
    ``multipart/form-data`` with one part ``file`` to ``location`` as given; any 2xx status is
    success, anything else (redirects included: a POST must not turn into a GET) fails.
    ``timeout`` applies to connecting and to each socket operation, not the whole transfer.
    Returns the URL the file landed at (the POST's URL for HTTP), password masked.
    """
    _check_file_name(file_name)
    parts = _parse(location)
    if parts.scheme == "ftp":

        def store(ftp: ftplib.FTP) -> None:
            ftp.storbinary(f"STOR {file_name}", io.BytesIO(data))

        directories = _segments(parts.path)
        await asyncio.to_thread(_ftp, location, directories, f"STOR {file_name!r}", timeout, store)
        return mask(location.rstrip("/") + "/" + quote(file_name))
    boundary = secrets.token_hex(16)
    quoted = file_name.replace('"', "%22")  # as browsers do (HTML spec, multipart/form-data)
    disposition = f'form-data; name="file"; filename="{quoted}"'
    head = (
        f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    content_type = f"multipart/form-data; boundary={boundary}"
    await asyncio.to_thread(_http, location, "POST", body, content_type, timeout, None)
    return mask(location)


async def download(
    location: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """The bytes of the file at ``location``: FTP RETR, or HTTP(S) GET following redirects.

    A file larger than ``max_bytes`` fails (early when the server announces its size).
    ``timeout`` applies to connecting and to each socket operation, not the whole transfer.
    """
    parts = _parse(location)
    if parts.scheme != "ftp":
        return await asyncio.to_thread(_http, location, "GET", None, None, timeout, max_bytes)
    segments = _segments(parts.path)
    if not segments or parts.path.endswith("/"):
        raise TransferError(f"{mask(location)}: the URL names a directory, not a file")
    *directories, name = segments

    def retrieve(ftp: ftplib.FTP) -> bytes:
        kept = bytearray()

        def keep(chunk: bytes) -> None:
            if len(kept) + len(chunk) > max_bytes:
                raise _too_large(max_bytes)  # ends the transfer; the connection is dropped
            kept.extend(chunk)

        ftp.retrbinary(f"RETR {name}", keep)
        return bytes(kept)

    return await asyncio.to_thread(_ftp, location, directories, f"RETR {name!r}", timeout, retrieve)


def _check_file_name(file_name: str) -> None:
    if file_name in ("", ".", "..") or any(c in "/\\" or c < " " or c == "\x7f" for c in file_name):
        raise ValueError(f"{file_name!r} is not a plain file name")


def _parse(location: str) -> SplitResult:
    try:
        parts = urlsplit(location)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise TransferError(f"{mask(location)}: not a usable URL: {exc}") from None
    if parts.scheme not in SCHEMES:
        raise TransferError(f"{mask(location)}: the scheme must be ftp, http or https")
    if not parts.hostname:
        raise TransferError(f"{mask(location)}: the URL names no host")
    return parts


def _segments(path: str) -> list[str]:
    """The path's segments, unescaped (``%2F`` at the start makes an absolute directory)."""
    return [unquote(segment) for segment in path.split("/") if segment]


# What ftplib, urllib and http.client raise for a failed exchange (ValueError for a URL
# they cannot use), and our own _Failed
_ERRORS: tuple[type[Exception], ...] = (
    _Failed,
    ValueError,
    http.client.HTTPException,
    *ftplib.all_errors,
)


@contextlib.contextmanager
def _failing_as(location: str, doing: str) -> Iterator[None]:
    """Turn an error from the network libraries into TransferError '<url>: <doing> failed: why'."""
    try:
        yield
    except _ERRORS as exc:
        raise TransferError(f"{mask(location)}: {doing} failed: {_why(exc)}") from exc


def _why(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return _why(exc.reason)
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, EOFError):
        return "the server closed the connection"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _ftp(
    location: str,
    directories: list[str],
    doing: str,
    timeout: float,
    transfer: Callable[[ftplib.FTP], _T],
) -> _T:
    """Connect, log in, change into ``directories`` one by one, then ``transfer``."""
    parts = urlsplit(location)
    user = unquote(parts.username or "") or "anonymous"
    ftp = ftplib.FTP(timeout=timeout)
    try:
        with _failing_as(location, "connect"):
            ftp.connect(parts.hostname or "", parts.port or 21)
        with _failing_as(location, f"login as {user!r}"):
            ftp.login(user, unquote(parts.password or ""))
        ftp.set_pasv(True)
        for directory in directories:
            with _failing_as(location, f"CWD {directory!r}"):
                ftp.cwd(directory)
        with _failing_as(location, doing):
            result = transfer(ftp)
        with contextlib.suppress(*ftplib.all_errors):  # the transfer is done; be polite
            ftp.quit()
        return result
    finally:
        ftp.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Leaves a 3xx as the answer (urllib then raises it as an HTTPError)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def _http(
    location: str,
    method: str,
    body: bytes | None,
    content_type: str | None,
    timeout: float,
    max_bytes: int | None,
) -> bytes:
    """One request; the response body, or _Failed for a status outside 2xx or a large body.

    ``max_bytes=None`` is for an upload: its answer's body is not read, and a redirect is a
    failure (urllib would follow it with a GET, and a 2xx from there would be a false success).
    """
    parts = urlsplit(location)
    # urllib cannot take user info in the URL: send it as Basic credentials instead
    hostport = parts.netloc.rpartition("@")[2]
    request = urllib.request.Request(
        urlunsplit(parts._replace(netloc=hostport)), body, method=method
    )
    if content_type:
        request.add_header("Content-Type", content_type)
    if parts.username is not None:
        secret = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        # unredirected: the credentials must not follow a redirect to another host
        request.add_unredirected_header(
            "Authorization", "Basic " + base64.b64encode(secret.encode()).decode()
        )
    opener = urllib.request.build_opener(*([] if max_bytes is not None else [_NoRedirect()]))
    with _failing_as(location, method):
        try:
            with opener.open(request, timeout=timeout) as response:
                if max_bytes is None:
                    return b""
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise _too_large(max_bytes)
                data: bytes = response.read(max_bytes + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise _Failed(f"HTTP {exc.code} {exc.reason}") from None
        if len(data) > max_bytes:
            raise _too_large(max_bytes)
        return data
