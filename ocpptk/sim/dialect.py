"""How each OCPP version the simulators speak writes what they do, as data.

The simulators think in OCPP 1.6: connector states (``ConnectorStatus``), error codes, the
energy register, a local list. A ``Dialect`` says how one version puts that on the wire, and
``DIALECTS`` holds one per version; the handlers ask it instead of branching on the version:

- ``cp_to_cs`` / ``cs_to_cp``: the actions of the version per direction (``DataTransfer`` is in
  both, from 1.5 on). 1.2 has 18 actions, 1.5 24, 1.6 28.
- the field names that differ between versions:

  - BootNotification.conf heartbeat interval (``boot_interval``): ``heartbeatInterval`` in 1.2
    and 1.5, ``interval`` in 1.6;
  - MeterValues.req readings (``meter_value``): ``values`` in 1.2 and 1.5, ``meterValue`` in 1.6;
  - a reading's samples (``sampled_value``): ``values`` in 1.5, ``sampledValue`` in 1.6; a 1.2
    reading has no samples, its one integer ``value`` is the energy register in Wh;
  - StopTransaction.req ``transactionData`` (``transaction_data_group``): groups of readings in
    1.5 (``[{"values": [reading, ...]}]``), the readings themselves in 1.6, absent in 1.2;
  - SendLocalList.req entries (``local_list``): ``localAuthorisationList`` in 1.5,
    ``localAuthorizationList`` in 1.6.

- ``words``: per enumeration, the 1.6 values a version does not have and the value it says
  instead (``word``). 1.2 and 1.5 know one busy connector state, ``Occupied`` (1.6 split it into
  Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing); no ``Pending`` registration (they
  answer ``Rejected``, whose interval is then the wait before the next BootNotification); unlock
  answers ``Accepted`` / ``Rejected``; their diagnostics and firmware statuses name finished steps
  only, so an idle or running 1.6 status is said as the finished step it stands for or leads to.
- ``profiles``: the 1.6 feature profiles the version has actions of; a charge point of the
  version lists them in SupportedFeatureProfiles and has only their configuration keys.
- ``fit``: a payload cut to the top-level fields the version's message has, read from the message
  model (1.6 StopTransaction ``reason`` is not in 1.2 or 1.5, StatusNotification ``timestamp`` not
  in 1.2, MeterValues ``transactionId`` not in 1.2). Every CALL a simulator builds and every
  reply it gives goes through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ocpptk.spec import catalog, v15
from ocpptk.spec.catalog import Version

__all__ = [
    "CP_TO_CS_V12",
    "CP_TO_CS_V15",
    "CP_TO_CS_V16",
    "CS_TO_CP_V12",
    "CS_TO_CP_V15",
    "CS_TO_CP_V16",
    "DIALECTS",
    "ENERGY",
    "Dialect",
    "dialect",
]

ENERGY = "Energy.Active.Import.Register"

# OCPP 1.6 section 4 (operations initiated by the Charge Point) and section 5 (by the CS).
CP_TO_CS_V16: tuple[str, ...] = (
    "Authorize",
    "BootNotification",
    "DataTransfer",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StartTransaction",
    "StatusNotification",
    "StopTransaction",
)
CS_TO_CP_V16: tuple[str, ...] = (
    "CancelReservation",
    "ChangeAvailability",
    "ChangeConfiguration",
    "ClearCache",
    "ClearChargingProfile",
    "DataTransfer",
    "GetCompositeSchedule",
    "GetConfiguration",
    "GetDiagnostics",
    "GetLocalListVersion",
    "RemoteStartTransaction",
    "RemoteStopTransaction",
    "ReserveNow",
    "Reset",
    "SendLocalList",
    "SetChargingProfile",
    "TriggerMessage",
    "UnlockConnector",
    "UpdateFirmware",
)
# The operations of the OCPP 1.2 central system service (urn://Ocpp/Cs/2010/08/) and charge
# point service (urn://Ocpp/Cp/2010/08/).
CP_TO_CS_V12: tuple[str, ...] = tuple(a for a in CP_TO_CS_V16 if a != "DataTransfer")
CS_TO_CP_V12: tuple[str, ...] = (
    "ChangeAvailability",
    "ChangeConfiguration",
    "ClearCache",
    "GetDiagnostics",
    "RemoteStartTransaction",
    "RemoteStopTransaction",
    "Reset",
    "UnlockConnector",
    "UpdateFirmware",
)
# 1.5 (urn://Ocpp/Cs/2012/06/, urn://Ocpp/Cp/2012/06/) adds DataTransfer both ways,
# GetConfiguration, reservations and the local authorisation list.
CP_TO_CS_V15: tuple[str, ...] = CP_TO_CS_V16
CS_TO_CP_V15: tuple[str, ...] = tuple(
    sorted(
        (
            *CS_TO_CP_V12,
            "CancelReservation",
            "DataTransfer",
            "GetConfiguration",
            "GetLocalListVersion",
            "ReserveNow",
            "SendLocalList",
        )
    )
)

# What a 1.5 sampled value may say: its enumerations, and its names for 1.6's units.
_MEASURANDS_V15 = frozenset(v15.Measurand.values)
_UNIT_VALUES_V15 = frozenset(v15.UnitOfMeasure.values)
_LOCATIONS_V15 = frozenset(v15.Location.values)
_UNITS_V15 = {"A": "Amp", "V": "Volt"}
_SAMPLE_FIELDS_V15 = ("value", "context", "format", "measurand", "location", "unit")

# Enumeration -> 1.6 value -> what the version says instead; values not listed are the same.
Words = Mapping[str, Mapping[str, str]]

_BUSY = ("Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing")
_WORDS_V15: Words = {
    "ChargePointStatus": {state: "Occupied" for state in _BUSY},
    # 1.6 EVCommunicationError is what 1.5 called Mode3Error (Mode 3: the EV's control pilot).
    "ChargePointErrorCode": {
        "EVCommunicationError": "Mode3Error",
        "InternalError": "OtherError",
        "LocalListConflict": "OtherError",
        "OverVoltage": "OtherError",
    },
    "ConfigurationStatus": {"RebootRequired": "Accepted"},
    "DiagnosticsStatus": {"Idle": "Uploaded", "Uploading": "Uploaded"},
    "FirmwareStatus": {
        "Idle": "Installed",
        "Downloading": "Downloaded",
        "Installing": "Downloaded",
    },
    "ReadingContext": {"Other": "Sample.Periodic", "Trigger": "Sample.Periodic"},
    "RegistrationStatus": {"Pending": "Rejected"},
    "UnlockStatus": {
        "Unlocked": "Accepted",
        "UnlockFailed": "Rejected",
        "NotSupported": "Rejected",
    },
}
_WORDS_V12: Words = {
    **{name: words for name, words in _WORDS_V15.items() if name != "ReadingContext"},
    "ChargePointStatus": {**_WORDS_V15["ChargePointStatus"], "Reserved": "Occupied"},
    # 1.2 has no OtherError: a cause it cannot name is left out; the status still says Faulted.
    "ChargePointErrorCode": {
        "EVCommunicationError": "Mode3Error",
        **{
            code: "NoError"
            for code in (
                *("GroundFailure", "InternalError", "LocalListConflict", "OtherError"),
                *("OverCurrentFailure", "OverVoltage", "UnderVoltage", "WeakSignal"),
            )
        },
    },
}


@dataclass(frozen=True)
class Dialect:
    """What one OCPP version calls the things the simulators do (see the module docstring)."""

    version: Version
    cp_to_cs: tuple[str, ...]
    cs_to_cp: tuple[str, ...]
    boot_interval: str  # BootNotification.conf: the heartbeat interval
    meter_value: str  # MeterValues.req: the readings
    sampled_value: str | None  # a reading's samples; None: one integer "value", the register
    transaction_data_group: str | None  # StopTransaction.transactionData: readings in groups
    local_list: str | None  # SendLocalList.req: the AuthorizationData entries
    words: Words = field(default_factory=dict)

    @property
    def known(self) -> frozenset[str]:
        """Every action of the version."""
        return frozenset(self.cp_to_cs) | frozenset(self.cs_to_cp)

    @property
    def profiles(self) -> frozenset[str]:
        """The 1.6 feature profiles of the version's actions (the model files each action of
        1.2 and 1.5 under the profile of its 1.6 namesake): 1.2 has Core and
        FirmwareManagement, 1.5 adds LocalAuthListManagement and Reservation."""
        return frozenset(act.profile for act in catalog.actions(self.version).values())

    def word(self, enumeration: str, value: str) -> str:
        """``value`` of the 1.6 ``enumeration`` as this version says it."""
        return self.words.get(enumeration, {}).get(value, value)

    def fit(self, action: str, payload: dict[str, Any], request: bool = True) -> dict[str, Any]:
        """``payload`` without the top-level fields this version's message of ``action`` lacks
        (a new dict); unchanged for an action the version does not have."""
        if catalog.action(self.version, action) is None:  # checked first: no cache entry for it
            return payload
        names = _field_names(self.version, action, request)
        return {name: value for name, value in payload.items() if name in names}

    # -- meter readings ----------------------------------------------------------------------

    def reading(self, timestamp: str, wh: int, samples: list[dict[str, Any]]) -> dict[str, Any]:
        """One reading of several 1.6 sampled values (``samples``, the register ``wh`` among
        them) as the version carries it: 1.5 keeps the measurands, units and locations it has
        (``Amp`` for ``A``, ``Volt`` for ``V``; no SoC, no phases), 1.2 only the register."""
        if self.sampled_value is None:
            return {"timestamp": timestamp, "value": wh}
        kept = [self._sample(sample) for sample in samples]
        return {"timestamp": timestamp, self.sampled_value: [s for s in kept if s is not None]}

    def _sample(self, sample: dict[str, Any]) -> dict[str, Any] | None:
        if self.version is not Version.V15:
            return dict(sample)
        if sample.get("measurand", ENERGY) not in _MEASURANDS_V15:
            return None
        unit = _UNITS_V15.get(sample.get("unit", "Wh"), sample.get("unit", "Wh"))
        if unit not in _UNIT_VALUES_V15:
            return None
        kept = {key: value for key, value in sample.items() if key in _SAMPLE_FIELDS_V15}
        kept["unit"] = unit
        if "context" in kept:
            kept["context"] = self.word("ReadingContext", kept["context"])
        if kept.get("location") not in (None, *_LOCATIONS_V15):
            del kept["location"]
        return kept

    def transaction_data(self, readings: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """StopTransaction.req ``transactionData`` holding ``readings`` (made by ``reading``)."""
        group = self.transaction_data_group
        return [{group: readings}] if group is not None else readings

    def readings(self, meter_values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The readings of a MeterValues.req (none if it has none)."""
        return list(meter_values.get(self.meter_value) or [])

    def stop_readings(self, stop_transaction: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The readings in a StopTransaction.req's ``transactionData``."""
        items = list(stop_transaction.get("transactionData") or [])
        group = self.transaction_data_group
        if group is None:
            return items
        return [reading for item in items for reading in item.get(group) or []]

    def local_list_entries(self, send_local_list: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The AuthorizationData entries of a SendLocalList.req (none if it has none)."""
        if self.local_list is None:
            return []
        return list(send_local_list.get(self.local_list) or [])

    def samples(self, reading: Mapping[str, Any]) -> list[dict[str, Any]]:
        """A reading's sampled values in the 1.6 form (``value``, ``measurand``, ``unit``...);
        a 1.2 reading is one sample of the energy register in Wh."""
        if self.sampled_value is None:
            return [{"value": reading["value"]}]
        return list(reading[self.sampled_value])


@cache
def _field_names(version: Version, action: str, request: bool) -> frozenset[str]:
    """The top-level fields of ``action``'s request or response in ``version``, an action the
    version has. Cached: ``fit`` runs for every message."""
    act = catalog.action(version, action)
    assert act is not None
    return frozenset(f.name for f in (act.request if request else act.response).fields)


DIALECTS: Mapping[Version, Dialect] = {
    Version.V12: Dialect(
        Version.V12,
        CP_TO_CS_V12,
        CS_TO_CP_V12,
        boot_interval="heartbeatInterval",
        meter_value="values",
        sampled_value=None,
        transaction_data_group=None,
        local_list=None,
        words=_WORDS_V12,
    ),
    Version.V15: Dialect(
        Version.V15,
        CP_TO_CS_V15,
        CS_TO_CP_V15,
        boot_interval="heartbeatInterval",
        meter_value="values",
        sampled_value="values",
        transaction_data_group="values",
        local_list="localAuthorisationList",
        words=_WORDS_V15,
    ),
    Version.V16: Dialect(
        Version.V16,
        CP_TO_CS_V16,
        CS_TO_CP_V16,
        boot_interval="interval",
        meter_value="meterValue",
        sampled_value="sampledValue",
        transaction_data_group=None,
        local_list="localAuthorizationList",
    ),
}


def dialect(version: Version) -> Dialect:
    """The dialect of ``version``; ``ValueError`` for a version the simulators do not speak."""
    found = DIALECTS.get(version)
    if found is None:
        speaks = ", ".join(v.value for v in DIALECTS)
        raise ValueError(f"the simulators speak OCPP {speaks}, not {version.value}")
    return found
