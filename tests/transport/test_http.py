"""Our HTTP/1.1 server and client (h11 on asyncio streams), on 127.0.0.1 port 0."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from ocpptk.transport.http import HttpClient, HttpError, HttpRequest, HttpResponse, HttpServer


async def echo(request: HttpRequest) -> HttpResponse:
    if request.target == "/fail":
        raise RuntimeError("boom")
    return HttpResponse(
        200,
        request.body,
        [("x-method", request.method), ("x-peer", request.peer), ("x-target", request.target)],
    )


@pytest.fixture
async def server() -> AsyncIterator[HttpServer]:
    running = HttpServer(echo, max_body=1000)
    await running.start()
    yield running
    await running.close()


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    running = HttpClient(max_body=1000)
    yield running
    await running.close()


async def raw(server: HttpServer, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return answer


async def test_requests_keep_their_connection_alive(server: HttpServer, client: HttpClient) -> None:
    first = await client.request("POST", f"{server.origin}/a?b=1", [("x-y", "z")], b"hello")
    second = await client.request("POST", f"{server.origin}/a", [], b"again")
    assert (first.status, first.body, first.header("x-target")) == (200, b"hello", "/a?b=1")
    assert second.body == b"again"
    assert first.header("x-peer") == second.header("x-peer")  # one connection, kept alive
    assert first.header("content-length") == "5"


async def test_too_large_bodies_get_413_and_the_server_goes_on(
    server: HttpServer, client: HttpClient
) -> None:
    answer = await raw(
        server, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n" + b"x" * 1001
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    chunked = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked += b"3e8\r\n" + b"x" * 1000 + b"\r\n" + b"1\r\ny\r\n0\r\n\r\n"
    assert (await raw(server, chunked)).startswith(b"HTTP/1.1 413 ")
    assert (await client.request("POST", server.origin + "/", [], b"ok")).body == b"ok"


async def test_garbage_gets_400(server: HttpServer, client: HttpClient) -> None:
    assert (await raw(server, b"\x16\x03\x01 hello\r\n\r\n")).startswith(b"HTTP/1.1 400 ")
    assert (await raw(server, b"POST / HTTP/1.1\r\n\r\n")).startswith(b"HTTP/1.1 400 ")  # no Host
    assert (await client.request("POST", server.origin + "/", [], b"ok")).status == 200


async def test_a_failing_handler_is_a_500(server: HttpServer, client: HttpClient) -> None:
    assert (await client.request("POST", server.origin + "/fail")).status == 500
    assert (await client.request("GET", server.origin + "/")).header("x-method") == "GET"


async def test_client_errors(server: HttpServer) -> None:
    small = HttpClient(max_body=3)
    with pytest.raises(HttpError, match="larger than 3 bytes"):
        await small.request("POST", server.origin + "/", [], b"four")
    await small.close()
    closed = HttpServer(echo)
    await closed.start()
    port = closed.port
    await closed.close()
    client = HttpClient()
    with pytest.raises(HttpError, match=f"127.0.0.1:{port}"):
        await client.request("POST", f"http://127.0.0.1:{port}/")
    with pytest.raises(HttpError, match="not an http"):
        await client.request("POST", "ftp://127.0.0.1/")


async def test_a_connection_the_server_closed_is_not_used_again() -> None:
    """A server that answers once per connection and hangs up: each request still works."""
    connections = 0

    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        writer.close()

    hang_up = await asyncio.start_server(once, "127.0.0.1", 0)
    port = hang_up.sockets[0].getsockname()[1]
    client = HttpClient()
    try:
        for _ in range(3):
            assert (await client.request("GET", f"http://127.0.0.1:{port}/")).body == b"ok"
    finally:
        await client.close()
        hang_up.close()
        await hang_up.wait_closed()
    assert connections == 3
