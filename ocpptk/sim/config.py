"""A charge point's configuration keys (OCPP 1.6 section 9), with readonly flags and value checks.

Keys are CiString50Type, so they are looked up case-insensitively and reported with their
canonical spelling. Every value is a string on the wire (section 9: "the value ... as a string");
``ValueKind`` says what the string must hold for ChangeConfiguration to accept it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum

from ocpptk.spec import v16

__all__ = [
    "MEASURANDS",
    "PROFILES",
    "ConfigKey",
    "Configuration",
    "ValueKind",
    "default_keys",
]

# Measurand of OCPP 1.6 section 7.31, as the message model lists it
MEASURANDS = frozenset(v16.Measurand.values)

MAX_VALUE_LENGTH = 500  # KeyValue.value is CiString500Type


class ValueKind(Enum):
    """What a key's value must be."""

    STRING = "string"
    INTEGER = "integer"  # a non-negative decimal integer
    BOOLEAN = "boolean"  # "true" or "false", any case; stored lower case
    MEASURANDS = "measurands"  # comma-separated list of Measurand values, possibly empty

    def normalise(self, value: str) -> str | None:
        """``value`` as it is stored, or None if this kind does not accept it."""
        if len(value) > MAX_VALUE_LENGTH:
            return None
        text = value.strip()
        if self is ValueKind.INTEGER:
            return str(int(text)) if text.isdecimal() else None
        if self is ValueKind.BOOLEAN:
            return text.lower() if text.lower() in ("true", "false") else None
        if self is ValueKind.MEASURANDS:
            items = [item.strip() for item in text.split(",")] if text else []
            return ",".join(items) if all(item in MEASURANDS for item in items) else None
        return value


@dataclass
class ConfigKey:
    key: str
    value: str
    readonly: bool = False
    kind: ValueKind = ValueKind.STRING

    def as_key_value(self) -> dict[str, object]:
        """The ``KeyValue`` of a GetConfiguration.conf."""
        return {"key": self.key, "readonly": self.readonly, "value": self.value}


# The feature profiles of OCPP 1.6 (section 3.4), in SupportedFeatureProfiles order.
PROFILES: tuple[str, ...] = (
    "Core",
    "FirmwareManagement",
    "LocalAuthListManagement",
    "Reservation",
    "SmartCharging",
    "RemoteTrigger",
)


def default_keys(connectors: int, profiles: Collection[str] = PROFILES) -> list[ConfigKey]:
    """The standard keys of the 1.6 profiles (section 9.1 to 9.4) with sensible values, for a
    charge point with ``profiles`` (all of them by default): SupportedFeatureProfiles lists
    those, and the keys of the other profiles are left out."""
    rw, ro = False, True
    i, b, m, s = ValueKind.INTEGER, ValueKind.BOOLEAN, ValueKind.MEASURANDS, ValueKind.STRING
    supported = ",".join(profile for profile in PROFILES if profile in profiles)
    rows: dict[str, list[tuple[str, str, bool, ValueKind]]] = {}
    rows["Core"] = [  # 9.1
        ("AllowOfflineTxForUnknownId", "false", rw, b),
        ("AuthorizationCacheEnabled", "true", rw, b),
        ("AuthorizeRemoteTxRequests", "false", rw, b),
        ("ClockAlignedDataInterval", "0", rw, i),
        ("ConnectionTimeOut", "60", rw, i),
        ("ConnectorPhaseRotation", ",".join(f"{n}.RST" for n in range(connectors + 1)), rw, s),
        ("GetConfigurationMaxKeys", "100", ro, i),
        ("HeartbeatInterval", "300", rw, i),
        ("LocalAuthorizeOffline", "true", rw, b),
        ("LocalPreAuthorize", "false", rw, b),
        ("MeterValuesAlignedData", "Energy.Active.Import.Register", rw, m),
        ("MeterValuesSampledData", "Energy.Active.Import.Register", rw, m),
        ("MeterValueSampleInterval", "60", rw, i),
        ("NumberOfConnectors", str(connectors), ro, i),
        ("ResetRetries", "3", rw, i),
        ("StopTransactionOnEVSideDisconnect", "true", rw, b),
        ("StopTransactionOnInvalidId", "true", rw, b),
        ("StopTxnAlignedData", "", rw, m),
        ("StopTxnSampledData", "", rw, m),
        ("SupportedFeatureProfiles", supported, ro, s),
        ("TransactionMessageAttempts", "3", rw, i),
        ("TransactionMessageRetryInterval", "60", rw, i),
        ("UnlockConnectorOnEVSideDisconnect", "true", rw, b),
    ]
    rows["LocalAuthListManagement"] = [  # 9.2
        ("LocalAuthListEnabled", "true", rw, b),
        ("LocalAuthListMaxLength", "100", ro, i),
        ("SendLocalListMaxLength", "100", ro, i),
    ]
    rows["Reservation"] = [("ReserveConnectorZeroSupported", "false", ro, b)]  # 9.3
    rows["SmartCharging"] = [  # 9.4
        ("ChargeProfileMaxStackLevel", "10", ro, i),
        ("ChargingScheduleAllowedChargingRateUnit", "Current,Power", ro, s),
        ("ChargingScheduleMaxPeriods", "24", ro, i),
        ("MaxChargingProfilesInstalled", "10", ro, i),
    ]
    return [
        ConfigKey(key, value, readonly, kind)
        for profile, group in rows.items()
        if profile in profiles
        for key, value, readonly, kind in group
    ]


class Configuration:
    """The keys of one charge point, looked up case-insensitively, in their defined order."""

    def __init__(self, keys: list[ConfigKey]) -> None:
        self._keys: dict[str, ConfigKey] = {k.key.casefold(): k for k in keys}

    def get(self, key: str) -> ConfigKey | None:
        return self._keys.get(key.casefold())

    def __getitem__(self, key: str) -> str:
        """The value of ``key``; KeyError if the charge point has no such key."""
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found.value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.casefold() in self._keys

    def __iter__(self) -> Iterator[ConfigKey]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)

    def integer(self, key: str, default: int = 0) -> int:
        found = self.get(key)
        try:
            return int(found.value) if found is not None else default
        except ValueError:
            return default

    def boolean(self, key: str, default: bool = False) -> bool:
        found = self.get(key)
        return found.value.lower() == "true" if found is not None else default

    def items(self, key: str) -> list[str]:
        """A comma-separated value as a list (``SupportedFeatureProfiles``)."""
        found = self.get(key)
        if found is None or not found.value.strip():
            return []
        return [item.strip() for item in found.value.split(",")]

    def force(self, key: str, value: str) -> None:
        """Set ``key`` as the charge point itself may, readonly or not; unknown keys are added
        as writable strings (vendor keys)."""
        found = self.get(key)
        if found is None:
            self._keys[key.casefold()] = ConfigKey(key, value)
        else:
            found.value = value

    def change(self, key: str, value: str) -> str:
        """ChangeConfiguration (section 5.3): the ``ConfigurationStatus`` of setting ``key``."""
        found = self.get(key)
        if found is None:
            return "NotSupported"
        if found.readonly:
            return "Rejected"
        normalised = found.kind.normalise(value)
        if normalised is None:
            return "Rejected"
        found.value = normalised
        return "Accepted"

    def update(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            self.force(key, value)
