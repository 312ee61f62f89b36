"""Charger templates: a JSON or TOML file that describes one charge point, checked against
``schemas/template.schema.json`` (a ``.toml`` file is read as TOML and checked the same way).

A template gives the charger's identity (what BootNotification says), where and how it
connects (a URL, or named environments and a default; the charge point id; the protocol; the
transport; Basic auth; TLS files, relative to the template's folder), its capabilities and
connectors, its meter value configuration and its configuration key defaults.

>>> template = load_template("templates/ac-7kw.json")  # doctest: +SKIP
>>> sim = template.charge_point_sim()  # doctest: +SKIP

Every problem with a file is a ``TemplateError`` whose message is one line naming the file,
the JSON path and the problem: ``t.json: $.connectors[0].type: 'Type9' is not one of ...``.
Capabilities and connectors become the simulator's ``Hardware`` (what its meters deliver);
meter values become the MeterValueSampleInterval and MeterValuesSampledData keys.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.sim.clock import Clock, utc_now
from ocpptk.sim.config import default_keys
from ocpptk.sim.session import ConnectorHardware, Hardware
from ocpptk.sim.transaction_queue import QueueStore
from ocpptk.spec.catalog import Version
from ocpptk.spec.schemas import schema_root

__all__ = [
    "SCHEMA_NAME",
    "BasicAuth",
    "Capabilities",
    "Connection",
    "ConnectorSpec",
    "Environment",
    "Identity",
    "MeterConfig",
    "Template",
    "TemplateError",
    "TlsFiles",
    "load_template",
    "template_schema",
]

SCHEMA_NAME = "template.schema.json"
_METER_KEYS = ("MeterValueSampleInterval", "MeterValuesSampledData")


class TemplateError(ValueError):
    """A template file that cannot be used; the message is one line."""

    def __init__(self, file: str | Path, where: str | None, problem: str) -> None:
        self.file = str(file)
        self.where = where
        self.problem = problem
        super().__init__(f"{file}: {where}: {problem}" if where else f"{file}: {problem}")


@dataclass(frozen=True)
class Identity:
    vendor: str
    model: str
    serial_number: str | None = None
    firmware_version: str | None = None


@dataclass(frozen=True)
class BasicAuth:
    password: str
    user: str | None = None  # None: the charge point id

    def pair(self, charge_point_id: str) -> tuple[str, str]:
        return (self.user or charge_point_id, self.password)


@dataclass(frozen=True)
class TlsFiles:
    """Absolute paths (resolved against the template's folder)."""

    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None


@dataclass(frozen=True)
class Environment:
    """Where one central system is, and the credentials it wants (None: the connection's)."""

    url: str
    basic_auth: BasicAuth | None = None
    tls: TlsFiles | None = None


@dataclass(frozen=True)
class Connection:
    """How the charger connects; ``url`` alone is an environment named ``default``."""

    charge_point_id: str
    environments: Mapping[str, Environment]
    default: str
    version: Version = Version.V16
    transport: str | None = None  # None: what the URL's scheme says
    basic_auth: BasicAuth | None = None
    tls: TlsFiles | None = None

    def environment(self, name: str | None = None) -> Environment:
        """The environment ``name`` (default: the default one), with the connection's
        credentials where it gives none; KeyError names the ones there are."""
        chosen = self.default if name is None else name
        found = self.environments.get(chosen)
        if found is None:
            raise KeyError(
                f"no environment {chosen!r} (there are: {', '.join(sorted(self.environments))})"
            )
        return Environment(
            found.url,
            found.basic_auth or self.basic_auth,
            found.tls or self.tls,
        )


@dataclass(frozen=True)
class Capabilities:
    max_power_w: float
    phases: int | None = None
    voltage_v: float | None = None
    max_current_a: float | None = None


@dataclass(frozen=True)
class ConnectorSpec:
    id: int
    type: str  # Type2, CCS, CHAdeMO ...
    current: str  # AC or DC
    max_power_w: float


@dataclass(frozen=True)
class MeterConfig:
    sample_interval_s: int | None = None
    measurands: tuple[str, ...] | None = None
    noise: float = 0.0  # relative noise on instantaneous readings


@dataclass(frozen=True)
class ConfigDefault:
    value: str
    readonly: bool = False


@dataclass(frozen=True)
class Template:
    """One charger, as its template file describes it."""

    path: Path
    identity: Identity
    connection: Connection
    capabilities: Capabilities
    connectors: tuple[ConnectorSpec, ...]
    meter: MeterConfig
    configuration: Mapping[str, ConfigDefault]
    description: str | None = None

    @property
    def charge_point_id(self) -> str:
        return self.connection.charge_point_id

    @property
    def version(self) -> Version:
        return self.connection.version

    def hardware(self) -> Hardware:
        """What the charger and each connector deliver, for the meters and charging profiles."""
        caps = self.capabilities
        return Hardware(
            caps.max_power_w,
            {
                spec.id: ConnectorHardware(
                    spec.current,
                    spec.max_power_w,
                    phases=caps.phases if spec.current == "AC" else None,
                    voltage_v=caps.voltage_v,
                )
                for spec in self.connectors
            },
            noise=self.meter.noise,
        )

    def config_values(self) -> dict[str, ConfigDefault]:
        """The configuration keys the template sets: its meter values, then its keys."""
        values: dict[str, ConfigDefault] = {}
        if self.meter.sample_interval_s is not None:
            values["MeterValueSampleInterval"] = ConfigDefault(str(self.meter.sample_interval_s))
        if self.meter.measurands is not None:
            values["MeterValuesSampledData"] = ConfigDefault(",".join(self.meter.measurands))
        values.update(self.configuration)
        return values

    def charge_point_sim(
        self,
        now: Clock = utc_now,
        *,
        charge_point_id: str | None = None,
        version: Version | None = None,
        lifecycle: bool = False,
        store: QueueStore | None = None,
        rng: random.Random | None = None,
    ) -> ChargePointSim:
        """A ChargePointSim with the template's connectors and what they deliver, identity and
        configuration keys (NumberOfConnectors follows the connectors); the id and version may
        be overridden, ``lifecycle``, ``store`` and ``rng`` go to the simulator."""
        values = self.config_values()
        sim = ChargePointSim(
            charge_point_id or self.charge_point_id,
            version or self.version,
            now,
            len(self.connectors),
            vendor=self.identity.vendor,
            model=self.identity.model,
            serial_number=self.identity.serial_number,
            firmware_version=self.identity.firmware_version,
            config={key: default.value for key, default in values.items()},
            lifecycle=lifecycle,
            store=store,
            hardware=self.hardware(),
            rng=rng,
        )
        for key, default in values.items():
            found = sim.configuration.get(key)
            if found is not None and key not in _METER_KEYS:
                found.readonly = default.readonly
        return sim


@cache
def template_schema() -> dict[str, Any]:
    """The published JSON schema of templates (``schemas/template.schema.json``)."""
    with (schema_root() / SCHEMA_NAME).open(encoding="utf-8-sig") as file:
        schema: dict[str, Any] = json.load(file)
    return schema


@cache
def _validator() -> Any:  # a jsonschema.Draft202012Validator
    return jsonschema.Draft202012Validator(template_schema())


def _describe(error: Any) -> str:  # a jsonschema.ValidationError
    """A schema error in a few words."""
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(key for key in instance if key not in allowed)
        known = f" (known: {', '.join(sorted(allowed))})" if allowed else ""
        return f"unknown key {', '.join(map(repr, extra))}{known}"
    if kind == "required":
        missing = [key for key in value if isinstance(instance, dict) and key not in instance]
        return f"missing required key {', '.join(map(repr, missing))}"
    if kind == "type":
        return f"must be {'an' if value in ('integer', 'object', 'array') else 'a'} {value}, " + (
            f"not {json.dumps(instance)}"
        )
    if kind == "maxLength" and isinstance(instance, str):
        return f"{instance!r} is longer than {value} characters"
    if kind == "enum":
        return f"{json.dumps(instance)} is not one of {', '.join(map(json.dumps, value))}"
    return str(error.message)


def _json_path(error: Any) -> str:
    return str(error.json_path)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TemplateError(path, None, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise TemplateError(path, None, "not UTF-8 text") from None
    if path.suffix.lower() == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise TemplateError(path, None, f"invalid TOML: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            path, None, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def _schema_check(path: Path, data: Any) -> None:
    errors = sorted(
        _validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
    )
    if errors:
        first = errors[0]
        raise TemplateError(path, _json_path(first), _describe(first))


def _auth(raw: Mapping[str, Any] | None) -> BasicAuth | None:
    return None if raw is None else BasicAuth(raw["password"], raw.get("user"))


def _tls(path: Path, where: str, raw: Mapping[str, Any] | None) -> TlsFiles | None:
    if raw is None:
        return None
    found: dict[str, Path] = {}
    for name in ("ca", "cert", "key"):
        if name in raw:
            file = path.parent / raw[name]
            if not file.is_file():
                raise TemplateError(path, f"{where}.{name}", f"no file {str(file)!r}")
            found[name] = file.resolve()
    if "key" in found and "cert" not in found:
        raise TemplateError(path, f"{where}.key", "a key needs a cert")
    return TlsFiles(**found)


def _check_url(path: Path, where: str, url: str, transport: str | None) -> None:
    scheme = url.split(":", 1)[0].lower()
    if transport == "soap" and scheme not in ("http", "https"):
        raise TemplateError(path, where, f"SOAP needs an http:// or https:// URL, not {url!r}")
    if transport == "websocket" and scheme not in ("ws", "wss"):
        raise TemplateError(path, where, f"WebSocket needs a ws:// or wss:// URL, not {url!r}")


def _connection(path: Path, raw: Mapping[str, Any]) -> Connection:
    where = "$.connection"
    transport = raw.get("transport")
    if ("url" in raw) == ("environments" in raw):
        raise TemplateError(path, where, "give either url or environments (and default)")
    environments: dict[str, Environment] = {}
    if "url" in raw:
        if "default" in raw:
            raise TemplateError(path, f"{where}.default", "default goes with environments")
        _check_url(path, f"{where}.url", raw["url"], transport)
        default = "default"
        environments[default] = Environment(raw["url"])
    else:
        if "default" not in raw:
            raise TemplateError(path, where, "environments need a default")
        default = raw["default"]
        for name, env in raw["environments"].items():
            here = f"{where}.environments[{json.dumps(name)}]"
            _check_url(path, f"{here}.url", env["url"], transport)
            environments[name] = Environment(
                env["url"], _auth(env.get("basicAuth")), _tls(path, f"{here}.tls", env.get("tls"))
            )
        if default not in environments:
            raise TemplateError(
                path,
                f"{where}.default",
                f"no environment {default!r} (there are: {', '.join(sorted(environments))})",
            )
    return Connection(
        charge_point_id=raw["chargePointId"],
        environments=environments,
        default=default,
        version=Version.parse(raw.get("protocol", "ocpp1.6")),
        transport=transport,
        basic_auth=_auth(raw.get("basicAuth")),
        tls=_tls(path, f"{where}.tls", raw.get("tls")),
    )


def _connectors(path: Path, raw: list[dict[str, Any]], caps: Capabilities) -> list[ConnectorSpec]:
    connectors = [
        ConnectorSpec(item["id"], item["type"], item["current"], item["maxPowerW"]) for item in raw
    ]
    seen: set[int] = set()
    for index, connector in enumerate(connectors):
        where = f"$.connectors[{index}]"
        if connector.id in seen:
            raise TemplateError(path, f"{where}.id", f"connector {connector.id} appears twice")
        seen.add(connector.id)
        if connector.max_power_w > caps.max_power_w:
            raise TemplateError(
                path,
                f"{where}.maxPowerW",
                f"{connector.max_power_w:g} W is more than the charger's maxPowerW "
                f"{caps.max_power_w:g} W",
            )
        if connector.current == "AC" and caps.phases is None:
            raise TemplateError(path, "$.capabilities", "an AC connector needs phases")
    if seen != set(range(1, len(connectors) + 1)):
        raise TemplateError(
            path,
            "$.connectors",
            f"connector ids must be 1 to {len(connectors)}, not {sorted(seen)}",
        )
    return sorted(connectors, key=lambda c: c.id)


def _configuration(
    path: Path, raw: Mapping[str, Any], meter: MeterConfig, connectors: int
) -> dict[str, ConfigDefault]:
    kinds = {key.key.casefold(): key for key in default_keys(connectors)}
    given = (meter.sample_interval_s, meter.measurands)
    meter_keys = {
        name.casefold() for name, value in zip(_METER_KEYS, given, strict=True) if value is not None
    }
    found: dict[str, ConfigDefault] = {}
    for key, item in raw.items():
        where = f"$.configuration[{json.dumps(key)}]"
        if key.casefold() in meter_keys:
            raise TemplateError(path, where, "set in meterValues already")
        if key.casefold() == "numberofconnectors":
            raise TemplateError(path, where, "follows the connectors; leave it out")
        known = kinds.get(key.casefold())
        value = item["value"]
        if known is not None:
            if known.key != key:
                raise TemplateError(path, where, f"the key is spelled {known.key!r}")
            if known.kind.normalise(value) is None:
                raise TemplateError(
                    path, f"{where}.value", f"{value!r} is not a valid {known.kind.value}"
                )
        found[key] = ConfigDefault(value, item.get("readonly", False))
    return found


def shipped_templates() -> Path:
    """The folder of the templates that come with ocpptk (installed copy first)."""
    installed = Path(__file__).resolve().parents[1] / "_data" / "templates"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "templates"


def find_template(path: str | Path) -> Path:
    """``path`` if it names a file; else a shipped template of that name (``dc-50kw``)."""
    file = Path(path)
    if file.exists() or file.parent != Path("."):
        return file
    name = file.name if file.suffix == ".json" else f"{file.name}.json"
    shipped = shipped_templates() / name
    return shipped if shipped.exists() else file


def load_template(path: str | Path) -> Template:
    """Read, check and return the template in ``path``; ``TemplateError`` (one line) if the
    file cannot be read, is not JSON, breaks the schema or our own rules."""
    file = find_template(path)
    data = _read(file)
    _schema_check(file, data)
    connection = _connection(file, data["connection"])
    caps_raw = data["capabilities"]
    capabilities = Capabilities(
        caps_raw["maxPowerW"],
        caps_raw.get("phases"),
        caps_raw.get("voltageV"),
        caps_raw.get("maxCurrentA"),
    )
    connectors = _connectors(file, data["connectors"], capabilities)
    meter_raw = data.get("meterValues", {})
    measurands = meter_raw.get("measurands")
    meter = MeterConfig(
        meter_raw.get("sampleIntervalS"),
        tuple(measurands) if measurands is not None else None,
        meter_raw.get("noise", 0.0),
    )
    identity_raw = data["identity"]
    identity = Identity(
        identity_raw["vendor"],
        identity_raw["model"],
        identity_raw.get("serialNumber"),
        identity_raw.get("firmwareVersion"),
    )
    return Template(
        path=file,
        identity=identity,
        connection=connection,
        capabilities=capabilities,
        connectors=tuple(connectors),
        meter=meter,
        configuration=_configuration(file, data.get("configuration", {}), meter, len(connectors)),
        description=data.get("description"),
    )
