"""start_cs --cert/--key/--ca and start_cp --ca/--cert/--key: security profiles 2 and 3."""

from __future__ import annotations

import datetime
import ipaddress
import re
from pathlib import Path
from typing import Any

import pytest

from tests.console.conftest import Console

x509 = pytest.importorskip("cryptography.x509")
hashes = pytest.importorskip("cryptography.hazmat.primitives.hashes")
serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")


def _name(common: str) -> Any:
    return x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, common)])


def _write(path: Path, cert: Any, key: Any) -> None:
    path.with_suffix(".pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, both from the CA."""
    folder = tmp_path_factory.mktemp("pki")
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("ocpptk test CA"))
        .issuer_name(_name("ocpptk test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    _write(folder / "ca", ca, ca_key)
    for name, usage, san in (
        ("server", x509.oid.ExtendedKeyUsageOID.SERVER_AUTH, ipaddress.ip_address("127.0.0.1")),
        ("client", x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH, None),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if san is not None:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(san)]), critical=False
            )
        _write(folder / name, builder.sign(ca_key, hashes.SHA256()), key)
    return folder


def _url(out: str) -> str:
    found = re.search(r"start_cp (\S+) CP001", out)
    assert found, out
    return found.group(1)


def test_server_certificate(console: Console, pki: Path) -> None:
    out = console.ok(f"start_cs 0 --host 127.0.0.1 --cert {pki}/server.pem --key {pki}/server.key")
    url = _url(out)
    assert url.startswith("wss://127.0.0.1:")
    result = console.run(f"start_cp {url} CP1")  # the system's CAs do not know ours
    assert result.failed and "cannot connect" in result.err
    console.ok(f"start_cp {url} CP1 --ca {pki}/ca.pem")
    assert "Heartbeat result" in console.ok("heartbeat")


def test_mutual_tls(console: Console, pki: Path) -> None:
    out = console.ok(
        f"start_cs 0 --host 127.0.0.1 --cert {pki}/server.pem --key {pki}/server.key "
        f"--ca {pki}/ca.pem"
    )
    url = _url(out)
    result = console.run(f"start_cp {url} CP1 --ca {pki}/ca.pem")
    assert result.failed and result.err.count("\n") == 1
    console.ok(
        f"start_cp {url} CP1 --ca {pki}/ca.pem --cert {pki}/client.pem --key {pki}/client.key"
    )
    assert "Heartbeat result" in console.ok("heartbeat")


def test_tls_mistakes_are_one_line(console: Console, pki: Path) -> None:
    for line, message in [
        (f"start_cs 0 --key {pki}/server.key", "--key and --ca need --cert"),
        ("start_cs 0 --cert /nonexistent.pem", "cannot load the TLS files"),
        (f"start_cp ws://127.0.0.1:9/ CP1 --ca {pki}/ca.pem", "need a wss:// URL"),
        (f"start_cp wss://127.0.0.1:9/ CP1 --key {pki}/client.key", "--key needs --cert"),
    ]:
        result = console.run(line)
        assert result.failed
        assert message in result.err, result.err
        assert result.err.count("\n") == 1
