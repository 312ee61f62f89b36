"""Diagnostics uploads and firmware downloads against real FTP and HTTP servers on 127.0.0.1
(the ``ftp`` and ``web`` fixtures in conftest.py)."""

from __future__ import annotations

import base64

import pytest

from ocpptk.transport.files import TransferError, download, mask, upload
from tests.transport.servers import PASSWORD, PAYLOAD, USER, Ftp, Web

# --- FTP --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "diag/",
        "diag",  # a directory all the same
        "%2Fdiag/",  # absolute (RFC 1738): "/diag" is the home here too
    ],
)
async def test_ftp_upload_lands_with_exact_bytes_in_the_directory(ftp: Ftp, path: str) -> None:
    landed = await upload(ftp.url(path), "diagnostics CP001.zip", PAYLOAD)

    assert (ftp.root / "diag" / "diagnostics CP001.zip").read_bytes() == PAYLOAD
    assert sorted(p.name for p in ftp.root.rglob("*")) == [
        "diag",
        "diagnostics CP001.zip",
        "firmware",
        "fw.bin",
    ]
    directory = path.rstrip("/")
    assert landed == f"ftp://{USER}:***@127.0.0.1:{ftp.port}/{directory}/diagnostics%20CP001.zip"


async def test_ftp_upload_into_nested_directories(ftp: Ftp) -> None:
    (ftp.root / "diag" / "2024").mkdir()
    await upload(ftp.url("diag/2024/"), "d.log", b"log")
    assert (ftp.root / "diag" / "2024" / "d.log").read_bytes() == b"log"


async def test_anonymous_may_download_but_not_upload(ftp: Ftp) -> None:
    assert await download(ftp.url("firmware/fw.bin", login="")) == PAYLOAD

    with pytest.raises(TransferError, match=r"STOR 'd\.zip' failed: 550 ") as caught:
        await upload(ftp.url("diag/", login=""), "d.zip", b"x")
    assert str(caught.value).startswith(f"ftp://127.0.0.1:{ftp.port}/diag/: ")
    assert not (ftp.root / "diag" / "d.zip").exists()


async def test_wrong_password_fails_at_login_and_stays_masked(ftp: Ftp) -> None:
    with pytest.raises(TransferError) as caught:
        await upload(ftp.url("diag/", login=f"{USER}:wrong-secret@"), "d.zip", b"x")
    message = str(caught.value)
    assert f"login as '{USER}' failed: 530 " in message
    assert f"ftp://{USER}:***@127.0.0.1:{ftp.port}/diag/" in message
    assert "wrong-secret" not in message
    assert "\n" not in message


async def test_a_missing_directory_fails_and_is_not_created(ftp: Ftp) -> None:
    with pytest.raises(TransferError, match=r"CWD 'nope' failed: 550 "):
        await upload(ftp.url("diag/nope/"), "d.zip", b"x")
    assert not (ftp.root / "diag" / "nope").exists()


async def test_ftp_download_returns_the_exact_bytes(ftp: Ftp) -> None:
    assert await download(ftp.url("firmware/fw.bin")) == PAYLOAD


async def test_ftp_download_of_a_missing_file_fails(ftp: Ftp) -> None:
    with pytest.raises(TransferError, match=r"RETR 'nope\.bin' failed: 550 "):
        await download(ftp.url("firmware/nope.bin"))


async def test_ftp_download_needs_a_file_in_the_url(ftp: Ftp) -> None:
    with pytest.raises(TransferError, match="names a directory, not a file"):
        await download(ftp.url("firmware/"))


async def test_ftp_download_stops_past_max_bytes(ftp: Ftp) -> None:
    with pytest.raises(TransferError, match=r"RETR 'fw\.bin' failed: .* larger than 1000 bytes"):
        await download(ftp.url("firmware/fw.bin"), max_bytes=1000)
    # the server is still fine
    assert await download(ftp.url("firmware/fw.bin"), max_bytes=len(PAYLOAD)) == PAYLOAD


# --- HTTP -------------------------------------------------------------------------------


async def test_http_upload_posts_one_multipart_file(web: Web) -> None:
    landed = await upload(web.url("/upload"), 'diag "CP001".zip', PAYLOAD)

    assert web.uploads == {"diag %22CP001%22.zip": PAYLOAD}  # quotes escaped as browsers do
    assert web.authorizations == [None]
    assert landed == web.url("/upload")


async def test_http_upload_sends_the_urls_credentials_as_basic_auth(web: Web) -> None:
    landed = await upload(web.url("/upload", login=f"{USER}:{PASSWORD}@"), "d.zip", b"x")

    assert web.uploads == {"d.zip": b"x"}
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert web.authorizations == [f"Basic {basic}"]
    assert landed == web.url("/upload", login=f"{USER}:***@")


async def test_http_upload_failure_names_the_status(web: Web) -> None:
    with pytest.raises(TransferError, match=r"POST failed: HTTP 500 Internal Server Error$"):
        await upload(web.url("/fail"), "d.zip", b"x")


async def test_http_upload_does_not_follow_a_redirect(web: Web) -> None:
    with pytest.raises(TransferError, match=r"POST failed: HTTP 302 "):
        await upload(web.url("/moved"), "d.zip", b"x")
    assert web.uploads == {}


async def test_http_download_returns_the_exact_bytes(web: Web) -> None:
    assert await download(web.url("/files/fw.bin")) == PAYLOAD


async def test_http_download_follows_redirects(web: Web) -> None:
    assert await download(web.url("/moved")) == PAYLOAD


async def test_http_404_fails(web: Web) -> None:
    with pytest.raises(TransferError, match=r"/files/nope\.bin: GET failed: HTTP 404 Not Found$"):
        await download(web.url("/files/nope.bin"))


@pytest.mark.parametrize("path", ["/files/fw.bin", "/unsized"])  # announced size, or not
async def test_http_download_past_max_bytes_fails(web: Web, path: str) -> None:
    with pytest.raises(TransferError, match="GET failed: the file is larger than 1000 bytes"):
        await download(web.url(path), max_bytes=1000)
    assert await download(web.url(path), max_bytes=len(PAYLOAD)) == PAYLOAD


# --- failures common to both ------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["ftp", "http"])
async def test_a_refused_connection_fails(closed_port: int, scheme: str) -> None:
    url = f"{scheme}://{USER}:{PASSWORD}@127.0.0.1:{closed_port}/diag/"
    with pytest.raises(
        TransferError, match=r"(connect|POST) failed: Connection refused$"
    ) as caught:
        await upload(url, "d.zip", b"x")
    assert PASSWORD not in str(caught.value)

    with pytest.raises(TransferError, match=r"(connect|GET) failed: Connection refused$"):
        await download(url + "fw.bin")


@pytest.mark.parametrize("scheme", ["ftp", "http"])
async def test_a_silent_server_times_out(silent_port: int, scheme: str) -> None:
    with pytest.raises(TransferError, match=r"failed: timed out$"):
        await download(f"{scheme}://127.0.0.1:{silent_port}/fw.bin", timeout=0.2)


@pytest.mark.parametrize(
    "url", ["ftps://u:pw@host/diag/", "sftp://host/diag/", "file:///tmp/fw.bin", "host/fw.bin"]
)
async def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(TransferError, match=r"scheme must be ftp, http or https$") as caught:
        await download(url)
    assert ":pw@" not in str(caught.value)
    with pytest.raises(TransferError, match=r"scheme must be ftp, http or https$"):
        await upload(url, "d.zip", b"x")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://host:port/diag/", "not a usable URL: Port could not be cast"),
        ("http://u:pw@[::1/upload", r"^http://u:\*\*\*@\[::1/upload: not a usable URL"),
        ("http:///upload", "names no host"),
    ],
)
async def test_unusable_urls_are_refused(url: str, problem: str) -> None:
    with pytest.raises(TransferError, match=problem):
        await upload(url, "d.zip", b"x")


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\\b", "a\r\nDELE b"])
async def test_file_names_must_be_plain(name: str) -> None:
    with pytest.raises(ValueError, match="not a plain file name"):
        await upload("ftp://127.0.0.1/diag/", name, b"x")


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("ftp://user:pass@host:21/diag/", "ftp://user:***@host:21/diag/"),
        ("ftp://user:p@ss@host/diag/", "ftp://user:***@host/diag/"),
        ("http://user:@host/up", "http://user:***@host/up"),
        ("ftp://user@host/diag/", "ftp://user@host/diag/"),
        ("http://host:8080/up?a=b:c@d", "http://host:8080/up?a=b:c@d"),
        ("https://u%3Ax:p%40w@[::1]:443/up", "https://u%3Ax:***@[::1]:443/up"),
        ("ftp://user:pass@[::1/diag/", "ftp://user:***@[::1/diag/"),  # broken, still masked
        ("not a url", "not a url"),
    ],
)
def test_mask_hides_only_the_password(url: str, masked: str) -> None:
    assert mask(url) == masked
