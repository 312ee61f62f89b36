"""The OCPP 1.2 message model: the 18 operations of the 1.2 SOAP services, written as data.

Source: the types of the OCPP 1.2 WSDLs (central system service ``urn://Ocpp/Cs/2010/08/``, charge
point service ``urn://Ocpp/Cp/2010/08/``), whose every fact this repeats: names, element order,
types, enumerations in the WSDL's order, ``minOccurs``/``maxOccurs``. ``wsdl/1.2/`` is generated
from here and ``tests/spec/test_wsdl_oracle.py`` proves it the same as the OCA files.

1.2 has no length limits (every string is ``xs:string``, the identifier tag too) and no feature
profiles; ``Action.profile`` repeats the 1.6 profile of the action of the same name, for grouping.
1.2 predates ``DataTransfer``, reservations and the local authorization list.

The JSON form of these messages (``schemas/1.2/``, for OCPP-J on the subprotocol ``ocpp1.2``)
follows the convention of the early OCPP-J drafts and the GIR ``ocppjs`` simulator, which derived
its JSON schemas from these WSDLs; see :mod:`ocpptk.spec.v15` for the mapping. For 1.2 it is
direct: each element is a property of the same name, a repeated element an array
(MeterValues ``values``, whose items are ``{"timestamp": ..., "value": <integer>}``).
"""

from __future__ import annotations

from ocpptk.spec.model import (
    Action,
    Array,
    Direction,
    Enum,
    Field,
    Integer,
    Object,
    String,
)
from ocpptk.spec.v16 import EXAMPLE_TIME

__all__ = [
    "ACTIONS",
    "EXAMPLE_TIME",
    "AnyUri",
    "AuthorizationStatus",
    "AvailabilityStatus",
    "AvailabilityType",
    "ChargePointErrorCode",
    "ChargePointStatus",
    "ClearCacheStatus",
    "ConfigurationStatus",
    "DateTime",
    "DiagnosticsStatus",
    "FirmwareStatus",
    "IdTagInfo",
    "MeterValue",
    "RegistrationStatus",
    "RemoteStartStopStatus",
    "ResetStatus",
    "ResetType",
    "UnlockStatus",
]

_CP_TO_CS = Direction.CP_TO_CS
_CS_TO_CP = Direction.CS_TO_CP

# -- Simple types --------------------------------------------------------------------------------

DateTime = String(format="date-time")  # xs:dateTime
AnyUri = String(format="uri")  # xs:anyURI
_TEXT = String()  # xs:string, unbounded

# -- Enumerations, values in the WSDL's order ----------------------------------------------------

AuthorizationStatus = Enum(
    "AuthorizationStatus", ("Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx")
)
AvailabilityStatus = Enum("AvailabilityStatus", ("Accepted", "Rejected", "Scheduled"))
AvailabilityType = Enum("AvailabilityType", ("Inoperative", "Operative"))
ChargePointErrorCode = Enum(
    "ChargePointErrorCode",
    (
        *("ConnectorLockFailure", "HighTemperature", "Mode3Error", "NoError"),
        *("PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure", "ResetFailure"),
    ),
)
ChargePointStatus = Enum("ChargePointStatus", ("Available", "Occupied", "Faulted", "Unavailable"))
ClearCacheStatus = Enum("ClearCacheStatus", ("Accepted", "Rejected"))
ConfigurationStatus = Enum("ConfigurationStatus", ("Accepted", "Rejected", "NotSupported"))
DiagnosticsStatus = Enum("DiagnosticsStatus", ("Uploaded", "UploadFailed"))
FirmwareStatus = Enum(
    "FirmwareStatus", ("Downloaded", "DownloadFailed", "InstallationFailed", "Installed")
)
RegistrationStatus = Enum("RegistrationStatus", ("Accepted", "Rejected"))
RemoteStartStopStatus = Enum("RemoteStartStopStatus", ("Accepted", "Rejected"))
ResetStatus = Enum("ResetStatus", ("Accepted", "Rejected"))
ResetType = Enum("ResetType", ("Hard", "Soft"))
UnlockStatus = Enum("UnlockStatus", ("Accepted", "Rejected"))

# -- Composite types -----------------------------------------------------------------------------

IdTagInfo = Object(
    "IdTagInfo",
    (
        Field("status", AuthorizationStatus, required=True, example="Accepted"),
        Field("expiryDate", DateTime, example=EXAMPLE_TIME),
        Field("parentIdTag", _TEXT),
    ),
)

# The WSDL gives neither minOccurs nor maxOccurs here: XML schema's default, exactly once.
MeterValue = Object(
    "MeterValue",
    (
        Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
        Field("value", Integer(), required=True, example=0),
    ),
)

# -- Actions -------------------------------------------------------------------------------------


def _req(action: str, *fields: Field) -> Object:
    return Object(action + "Request", fields)


def _conf(action: str, *fields: Field) -> Object:
    return Object(action + "Response", fields)


def _status(enum: Enum, example: str = "Accepted") -> Field:
    return Field("status", enum, required=True, example=example)


_CONNECTOR = Field("connectorId", Integer(), required=True, example=1)
_ID_TAG = Field("idTag", _TEXT, required=True, example="TAG0001")
_TRANSACTION = Field("transactionId", Integer(), required=True, example=1)
_ID_TAG_INFO = Field("idTagInfo", IdTagInfo, required=True)
_FIRMWARE = "FirmwareManagement"

ACTIONS: tuple[Action, ...] = (
    Action(
        "Authorize",
        _CP_TO_CS,
        _req("Authorize", _ID_TAG),
        _conf("Authorize", _ID_TAG_INFO),
        doc="Ask whether an identifier may start or stop charging.",
    ),
    Action(
        "BootNotification",
        _CP_TO_CS,
        _req(
            "BootNotification",
            Field("chargePointVendor", _TEXT, required=True, example="ocpptk"),
            Field("chargePointModel", _TEXT, required=True, example="Simulator"),
            Field("chargePointSerialNumber", _TEXT, example="SIM-0001"),
            Field("chargeBoxSerialNumber", _TEXT),
            Field("firmwareVersion", _TEXT, example="0.1.0"),
            Field("iccid", _TEXT),
            Field("imsi", _TEXT),
            Field("meterType", _TEXT),
            Field("meterSerialNumber", _TEXT),
        ),
        _conf(
            "BootNotification",
            _status(RegistrationStatus),
            Field("currentTime", DateTime, example=EXAMPLE_TIME),
            Field("heartbeatInterval", Integer(), example=300),
        ),
        doc="Announce the charge point after a (re)boot; 1.2 may omit time and interval.",
    ),
    Action(
        "ChangeAvailability",
        _CS_TO_CP,
        _req(
            "ChangeAvailability",
            _CONNECTOR,
            Field("type", AvailabilityType, required=True, example="Operative"),
        ),
        _conf("ChangeAvailability", _status(AvailabilityStatus)),
        doc="Make a connector, or the whole charge point (connector 0), (in)operative.",
    ),
    Action(
        "ChangeConfiguration",
        _CS_TO_CP,
        _req(
            "ChangeConfiguration",
            Field("key", _TEXT, required=True, example="HeartbeatInterval"),
            Field("value", _TEXT, required=True, example="300"),
        ),
        _conf("ChangeConfiguration", _status(ConfigurationStatus)),
        doc="Set one configuration key.",
    ),
    Action(
        "ClearCache",
        _CS_TO_CP,
        _req("ClearCache"),
        _conf("ClearCache", _status(ClearCacheStatus)),
        doc="Empty the authorization cache.",
    ),
    Action(
        "DiagnosticsStatusNotification",
        _CP_TO_CS,
        _req("DiagnosticsStatusNotification", _status(DiagnosticsStatus, "Uploaded")),
        _conf("DiagnosticsStatusNotification"),
        profile=_FIRMWARE,
        doc="Report how a diagnostics upload ended.",
    ),
    Action(
        "FirmwareStatusNotification",
        _CP_TO_CS,
        _req("FirmwareStatusNotification", _status(FirmwareStatus, "Downloaded")),
        _conf("FirmwareStatusNotification"),
        profile=_FIRMWARE,
        doc="Report the progress of a firmware update.",
    ),
    Action(
        "GetDiagnostics",
        _CS_TO_CP,
        _req(
            "GetDiagnostics",
            Field("location", AnyUri, required=True, example="ftp://diagnostics.example.com/"),
            Field("startTime", DateTime),
            Field("stopTime", DateTime),
            Field("retries", Integer(), example=3),
            Field("retryInterval", Integer(), example=60),
        ),
        _conf("GetDiagnostics", Field("fileName", _TEXT, example="diagnostics.zip")),
        profile=_FIRMWARE,
        doc="Have the charge point upload a diagnostics file to a URI.",
    ),
    Action(
        "Heartbeat",
        _CP_TO_CS,
        _req("Heartbeat"),
        _conf("Heartbeat", Field("currentTime", DateTime, required=True, example=EXAMPLE_TIME)),
        doc="Tell the central system we are alive and learn its time.",
    ),
    Action(
        "MeterValues",
        _CP_TO_CS,
        _req(
            "MeterValues",
            _CONNECTOR,
            Field("values", Array(MeterValue)),  # optional: no values is a valid MeterValues
        ),
        _conf("MeterValues"),
        doc="Send meter readings of a connector: one integer (Wh) per timestamp.",
    ),
    Action(
        "RemoteStartTransaction",
        _CS_TO_CP,
        _req(
            "RemoteStartTransaction",
            _ID_TAG,
            Field("connectorId", Integer(), example=1),
        ),
        _conf("RemoteStartTransaction", _status(RemoteStartStopStatus)),
        doc="Ask the charge point to start a transaction for an identifier.",
    ),
    Action(
        "RemoteStopTransaction",
        _CS_TO_CP,
        _req("RemoteStopTransaction", _TRANSACTION),
        _conf("RemoteStopTransaction", _status(RemoteStartStopStatus)),
        doc="Ask the charge point to stop a transaction.",
    ),
    Action(
        "Reset",
        _CS_TO_CP,
        _req("Reset", Field("type", ResetType, required=True, example="Soft")),
        _conf("Reset", _status(ResetStatus)),
        doc="Reboot the charge point, softly or hard.",
    ),
    Action(
        "StartTransaction",
        _CP_TO_CS,
        _req(
            "StartTransaction",
            _CONNECTOR,
            _ID_TAG,
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            Field("meterStart", Integer(), required=True, example=0),
        ),
        _conf("StartTransaction", _TRANSACTION, _ID_TAG_INFO),
        doc="Report that a transaction started and get its id.",
    ),
    Action(
        "StatusNotification",
        _CP_TO_CS,
        _req(
            "StatusNotification",
            _CONNECTOR,
            _status(ChargePointStatus, "Available"),
            Field("errorCode", ChargePointErrorCode, required=True, example="NoError"),
        ),
        _conf("StatusNotification"),
        doc="Report a connector's status or error.",
    ),
    Action(
        "StopTransaction",
        _CP_TO_CS,
        _req(
            "StopTransaction",
            _TRANSACTION,
            Field("idTag", _TEXT, example="TAG0001"),
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            Field("meterStop", Integer(), required=True, example=0),
        ),
        _conf("StopTransaction", Field("idTagInfo", IdTagInfo)),
        doc="Report that a transaction stopped, with the final meter value.",
    ),
    Action(
        "UnlockConnector",
        _CS_TO_CP,
        _req("UnlockConnector", _CONNECTOR),
        _conf("UnlockConnector", _status(UnlockStatus)),
        doc="Release the cable lock of a connector.",
    ),
    Action(
        "UpdateFirmware",
        _CS_TO_CP,
        _req(
            "UpdateFirmware",
            Field("retrieveDate", DateTime, required=True, example=EXAMPLE_TIME),
            Field(
                "location", AnyUri, required=True, example="https://firmware.example.com/ocpptk.bin"
            ),
            Field("retries", Integer(), example=3),
            Field("retryInterval", Integer(), example=60),
        ),
        _conf("UpdateFirmware"),
        profile=_FIRMWARE,
        doc="Have the charge point download and install new firmware.",
    ),
)
