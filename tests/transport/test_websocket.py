"""The WebSocket layer: subprotocols, the endpoint and charge point id, Basic auth and TLS.

Security profiles of the OCPP 1.6 security whitepaper: 1 = HTTP Basic auth, 2 = TLS and Basic
auth, 3 = TLS with client certificates. The certificates are made by ``trustme`` per test run.
"""

from __future__ import annotations

import base64
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from websockets.asyncio.client import connect as raw_connect
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import InvalidStatus

from ocpptk.transport.central_system import CentralSystem
from ocpptk.transport.charge_point import ChargePoint
from ocpptk.transport.websocket import (
    ConnectError,
    client_ssl_context,
    connect,
    server_ssl_context,
)
from tests.conftest import PATIENCE
from tests.transport.conftest import checked

BOOT = {"chargePointVendor": "ocpptk", "chargePointModel": "Test"}


async def refusal(url: str, **kwargs: Any) -> InvalidStatus:
    """The HTTP refusal of a plain websockets handshake to ``url``."""
    with pytest.raises(InvalidStatus) as caught:
        async with raw_connect(url, open_timeout=PATIENCE, **kwargs):
            pass
    return caught.value


def one_line(error: BaseException) -> str:
    text = str(error)
    assert text and "\n" not in text
    return text


# -- subprotocols ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "shown"),
    [
        (None, "none"),
        (["ocpp2.0.1"], "ocpp2.0.1"),
        (["ocpp1.5", "json"], "ocpp1.5, json"),
    ],
    ids=["none", "another-version", "several-unknown"],
)
async def test_a_handshake_without_ocpp16_is_refused_with_400(
    ocpp_server: Any, offered: list[str] | None, shown: str
) -> None:
    server = await ocpp_server()
    refused = await refusal(server.url + "CP001", subprotocols=offered)
    assert refused.response.status_code == 400
    assert refused.response.body.decode() == (
        f"no acceptable OCPP subprotocol: offered {shown}, accepted ocpp1.6\n"
    )
    assert server.links == {}


@pytest.mark.parametrize(
    "offered", [["ocpp1.6"], ["ocpp2.0.1", "ocpp1.6"], ["ocpp1.6", "ocpp2.0.1", "ocpp1.5"]]
)
async def test_ocpp16_is_chosen_among_the_offered(ocpp_server: Any, offered: list[str]) -> None:
    server = await ocpp_server()
    async with raw_connect(server.url + "CP001", subprotocols=offered) as websocket:
        assert websocket.subprotocol == "ocpp1.6"
        await websocket.send('[2,"1","Heartbeat",{}]')
        assert (await websocket.recv()).startswith('[3,"1",{"currentTime":')
        link = await server.arrived.get()
        assert link.subprotocol == "ocpp1.6"


async def test_our_client_refuses_a_server_without_the_subprotocol(raw_server: Any) -> None:
    async def anything(websocket: ServerConnection) -> None:
        await websocket.wait_closed()

    silent = await raw_server(anything, subprotocols=[])  # accepts, but chooses none
    with pytest.raises(ConnectError) as caught:
        await connect(silent, "CP001", options=checked())
    assert one_line(caught.value).endswith("the server did not accept subprotocol ocpp1.6")

    other = await raw_server(anything, subprotocols=["ocpp2.0.1"])  # refuses with 400
    with pytest.raises(ConnectError) as caught:
        await connect(other, "CP001", options=checked())
    assert "refused with HTTP 400" in one_line(caught.value)


# -- the endpoint and the charge point id ------------------------------------------------------


@pytest.mark.parametrize(
    "charge_point_id",
    ["CP001", "CP 01", "Zähler-Ø", "RDAM|123", "x?y#z&w=1", "100%", "a%2Fb"],
)
async def test_the_charge_point_id_survives_the_path(
    ocpp_server: Any, open_link: Any, charge_point_id: str
) -> None:
    server = await ocpp_server(endpoint="/ocpp/v16")
    assert server.url.endswith("/ocpp/v16/")
    link = await open_link(server.url, charge_point_id)
    await link.call("BootNotification", BOOT)
    assert list(server.links) == [charge_point_id]
    assert server.links[charge_point_id].charge_point_id == charge_point_id


async def test_an_id_with_a_slash_travels_percent_encoded(ocpp_server: Any, open_link: Any) -> None:
    server = await ocpp_server()
    await open_link(server.url, "site/CP001")
    assert list(server.links) == ["site/CP001"]


@pytest.mark.parametrize(
    ("path", "charge_point_id"),
    [("CP%2001", "CP 01"), ("CP001?token=abc", "CP001"), ("%C3%A4", "ä")],
)
async def test_the_server_decodes_the_id(ocpp_server: Any, path: str, charge_point_id: str) -> None:
    server = await ocpp_server(endpoint="ocpp")
    assert server.endpoint == "/ocpp/"
    async with raw_connect(server.url + path, subprotocols=["ocpp1.6"]):
        link = await server.arrived.get()
        assert link.charge_point_id == charge_point_id


@pytest.mark.parametrize("path", ["/other/CP001", "/ocpp/", "/ocpp", "/ocpp/CP001/extra", "/"])
async def test_a_path_outside_the_endpoint_is_refused_with_404(ocpp_server: Any, path: str) -> None:
    server = await ocpp_server(endpoint="/ocpp/")
    refused = await refusal(f"ws://127.0.0.1:{server.port}{path}", subprotocols=["ocpp1.6"])
    assert refused.response.status_code == 404
    assert refused.response.body == b"connect to /ocpp/<charge point id>\n"


# -- security profile 1: HTTP Basic auth ---------------------------------------------------------


@pytest.mark.parametrize("credentials", ["map", "function"])
async def test_basic_auth_right_password_is_let_in(
    ocpp_server: Any, open_link: Any, credentials: str
) -> None:
    check: Any = (
        {"CP001": "s3cret-key-0001"}
        if credentials == "map"
        else (lambda user, password: (user, password) == ("CP001", "s3cret-key-0001"))
    )
    server = await ocpp_server(basic_auth=check)
    link = await open_link(server.url, "CP001", basic_auth=("CP001", "s3cret-key-0001"))
    assert (await link.call("BootNotification", BOOT))["status"] == "Accepted"


@pytest.mark.parametrize(
    "basic_auth",
    [("CP001", "wrong"), ("CP002", "s3cret-key-0001"), None],
    ids=["wrong-password", "unknown-user", "no-credentials"],
)
async def test_basic_auth_refused_with_401_and_a_one_line_error(
    ocpp_server: Any, open_link: Any, basic_auth: tuple[str, str] | None
) -> None:
    server = await ocpp_server(basic_auth={"CP001": "s3cret-key-0001"})
    with pytest.raises(ConnectError) as caught:
        await open_link(server.url, "CP001", basic_auth=basic_auth)
    assert one_line(caught.value) == (
        f"{server.url}CP001: refused with HTTP 401 bad or missing credentials"
    )
    assert server.links == {}


async def test_a_401_asks_for_basic_credentials(ocpp_server: Any) -> None:
    server = await ocpp_server(basic_auth={"CP001": "s3cret-key-0001"})
    for header in ({}, {"Authorization": "Basic !!!"}, {"Authorization": "Bearer x"}):
        refused = await refusal(
            server.url + "CP001", subprotocols=["ocpp1.6"], additional_headers=header
        )
        assert refused.response.status_code == 401
        assert refused.response.headers["WWW-Authenticate"].startswith("Basic ")
    token = base64.b64encode(b"CP001:s3cret-key-0001").decode()
    async with raw_connect(
        server.url + "CP001",
        subprotocols=["ocpp1.6"],
        additional_headers={"Authorization": f"Basic {token}"},
    ) as websocket:
        assert websocket.subprotocol == "ocpp1.6"


async def test_basic_auth_user_must_be_the_charge_point_id(
    ocpp_server: Any, open_link: Any
) -> None:
    server = await ocpp_server(basic_auth={"CP001": "key-of-cp001", "CP002": "key-of-cp002"})
    with pytest.raises(ConnectError):  # CP002's credentials do not open CP001's link
        await open_link(server.url, "CP001", basic_auth=("CP002", "key-of-cp002"))


# -- security profiles 2 and 3: TLS ---------------------------------------------------------------


@dataclass
class Pki:
    ca: Path
    server: Path  # key and certificate chain in one file
    client: Path  # likewise, for CP001
    stranger: Path  # a client certificate from another CA


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca, other_ca = trustme.CA(), trustme.CA()
    paths = Pki(folder / "ca.pem", folder / "server.pem", folder / "cp.pem", folder / "x.pem")
    ca.cert_pem.write_to_path(str(paths.ca))
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(
        str(paths.server)
    )
    ca.issue_cert("CP001", common_name="CP001").private_key_and_cert_chain_pem.write_to_path(
        str(paths.client)
    )
    other_ca.issue_cert("CP001").private_key_and_cert_chain_pem.write_to_path(str(paths.stranger))
    return paths


async def test_profile_2_tls_and_basic_auth(ocpp_server: Any, open_link: Any, pki: Pki) -> None:
    server = await ocpp_server(
        ssl_context=server_ssl_context(str(pki.server)), basic_auth={"CP001": "s3cret-key-0001"}
    )
    assert server.url.startswith("wss://127.0.0.1:")
    link = await open_link(
        server.url,
        "CP001",
        ssl_context=client_ssl_context(cafile=str(pki.ca)),
        basic_auth=("CP001", "s3cret-key-0001"),
    )
    assert (await link.call("BootNotification", BOOT))["status"] == "Accepted"
    assert link.websocket.transport.get_extra_info("ssl_object") is not None

    with pytest.raises(ConnectError) as caught:  # the server's certificate is not trusted
        await open_link(server.url, "CP001", basic_auth=("CP001", "s3cret-key-0001"))
    assert "CERTIFICATE_VERIFY_FAILED" in one_line(caught.value)

    with pytest.raises(ConnectError) as caught:  # TLS alone is not enough
        await open_link(server.url, "CP001", ssl_context=client_ssl_context(cafile=str(pki.ca)))
    assert "HTTP 401" in one_line(caught.value)


async def test_profile_3_requires_a_client_certificate(
    ocpp_server: Any, open_link: Any, pki: Pki
) -> None:
    server = await ocpp_server(ssl_context=server_ssl_context(str(pki.server), cafile=str(pki.ca)))
    link = await open_link(
        server.url, "CP001", ssl_context=client_ssl_context(str(pki.ca), str(pki.client))
    )
    assert (await link.call("BootNotification", BOOT))["status"] == "Accepted"
    peer = await server.arrived.get()
    certificate = peer.websocket.transport.get_extra_info("peercert")
    assert ((("commonName", "CP001"),)) in certificate["subject"]

    for context in (
        client_ssl_context(str(pki.ca)),  # no certificate
        client_ssl_context(str(pki.ca), str(pki.stranger)),  # one from another CA
    ):
        with pytest.raises(ConnectError) as caught:
            await open_link(server.url, "CP002", ssl_context=context)
        one_line(caught.value)
    assert list(server.links) == ["CP001"]


async def test_the_facades_take_tls_and_basic_auth(pki: Pki) -> None:
    async with CentralSystem(
        ssl_context=server_ssl_context(str(pki.server), cafile=str(pki.ca)),
        basic_auth={"CP001": "s3cret-key-0001"},
    ) as cs:
        async with ChargePoint(
            cs.url,
            "CP001",
            ssl_context=client_ssl_context(str(pki.ca), str(pki.client)),
            basic_auth=("CP001", "s3cret-key-0001"),
        ) as cp:
            assert (await cp.call("BootNotification"))["status"] == "Accepted"
            await cs.wait_for_charge_point("CP001")
            assert (await cs.call("CP001", "ClearCache"))["status"] == "Accepted"
        with pytest.raises(ConnectError):
            async with ChargePoint(
                cs.url, "CP001", ssl_context=client_ssl_context(str(pki.ca), str(pki.client))
            ):
                pass


def test_server_context_without_a_ca_asks_for_no_client_certificate(pki: Pki) -> None:
    assert server_ssl_context(str(pki.server)).verify_mode is ssl.CERT_NONE
    assert server_ssl_context(str(pki.server), cafile=str(pki.ca)).verify_mode is (
        ssl.CERT_REQUIRED
    )
