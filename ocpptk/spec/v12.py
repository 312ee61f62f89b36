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

from ocpptk.spec.common import (
    CONNECTOR_ID,
    CP_TO_CS,
    CS_TO_CP,
    EXAMPLE_TIME,
    TEXT,
    TRANSACTION_ID,
    AnyUri,
    DateTime,
    conf,
    req,
    status,
)
from ocpptk.spec.model import Action, Array, Enum, Field, Integer, Object

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
        Field("parentIdTag", TEXT),
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

_ID_TAG = Field("idTag", TEXT, required=True, example="TAG0001")
_ID_TAG_INFO = Field("idTagInfo", IdTagInfo, required=True)
_FIRMWARE = "FirmwareManagement"

ACTIONS: tuple[Action, ...] = (
    Action(
        "Authorize",
        CP_TO_CS,
        req("Authorize", _ID_TAG),
        conf("Authorize", _ID_TAG_INFO),
        doc="Ask whether an identifier may start or stop charging.",
    ),
    Action(
        "BootNotification",
        CP_TO_CS,
        req(
            "BootNotification",
            Field("chargePointVendor", TEXT, required=True, example="ocpptk"),
            Field("chargePointModel", TEXT, required=True, example="Simulator"),
            Field("chargePointSerialNumber", TEXT, example="SIM-0001"),
            Field("chargeBoxSerialNumber", TEXT),
            Field("firmwareVersion", TEXT, example="0.1.0"),
            Field("iccid", TEXT),
            Field("imsi", TEXT),
            Field("meterType", TEXT),
            Field("meterSerialNumber", TEXT),
        ),
        conf(
            "BootNotification",
            status(RegistrationStatus),
            Field("currentTime", DateTime, example=EXAMPLE_TIME),
            Field("heartbeatInterval", Integer(), example=300),
        ),
        doc="Announce the charge point after a (re)boot; 1.2 may omit time and interval.",
    ),
    Action(
        "ChangeAvailability",
        CS_TO_CP,
        req(
            "ChangeAvailability",
            CONNECTOR_ID,
            Field("type", AvailabilityType, required=True, example="Operative"),
        ),
        conf("ChangeAvailability", status(AvailabilityStatus)),
        doc="Make a connector, or the whole charge point (connector 0), (in)operative.",
    ),
    Action(
        "ChangeConfiguration",
        CS_TO_CP,
        req(
            "ChangeConfiguration",
            Field("key", TEXT, required=True, example="HeartbeatInterval"),
            Field("value", TEXT, required=True, example="300"),
        ),
        conf("ChangeConfiguration", status(ConfigurationStatus)),
        doc="Set one configuration key.",
    ),
    Action(
        "ClearCache",
        CS_TO_CP,
        req("ClearCache"),
        conf("ClearCache", status(ClearCacheStatus)),
        doc="Empty the authorization cache.",
    ),
    Action(
        "DiagnosticsStatusNotification",
        CP_TO_CS,
        req("DiagnosticsStatusNotification", status(DiagnosticsStatus, "Uploaded")),
        conf("DiagnosticsStatusNotification"),
        profile=_FIRMWARE,
        doc="Report how a diagnostics upload ended.",
    ),
    Action(
        "FirmwareStatusNotification",
        CP_TO_CS,
        req("FirmwareStatusNotification", status(FirmwareStatus, "Downloaded")),
        conf("FirmwareStatusNotification"),
        profile=_FIRMWARE,
        doc="Report the progress of a firmware update.",
    ),
    Action(
        "GetDiagnostics",
        CS_TO_CP,
        req(
            "GetDiagnostics",
            Field("location", AnyUri, required=True, example="ftp://diagnostics.example.com/"),
            Field("startTime", DateTime),
            Field("stopTime", DateTime),
            Field("retries", Integer(), example=3),
            Field("retryInterval", Integer(), example=60),
        ),
        conf("GetDiagnostics", Field("fileName", TEXT, example="diagnostics.zip")),
        profile=_FIRMWARE,
        doc="Have the charge point upload a diagnostics file to a URI.",
    ),
    Action(
        "Heartbeat",
        CP_TO_CS,
        req("Heartbeat"),
        conf("Heartbeat", Field("currentTime", DateTime, required=True, example=EXAMPLE_TIME)),
        doc="Tell the central system we are alive and learn its time.",
    ),
    Action(
        "MeterValues",
        CP_TO_CS,
        req(
            "MeterValues",
            CONNECTOR_ID,
            Field("values", Array(MeterValue)),  # optional: no values is a valid MeterValues
        ),
        conf("MeterValues"),
        doc="Send meter readings of a connector: one integer (Wh) per timestamp.",
    ),
    Action(
        "RemoteStartTransaction",
        CS_TO_CP,
        req(
            "RemoteStartTransaction",
            _ID_TAG,
            Field("connectorId", Integer(), example=1),
        ),
        conf("RemoteStartTransaction", status(RemoteStartStopStatus)),
        doc="Ask the charge point to start a transaction for an identifier.",
    ),
    Action(
        "RemoteStopTransaction",
        CS_TO_CP,
        req("RemoteStopTransaction", TRANSACTION_ID),
        conf("RemoteStopTransaction", status(RemoteStartStopStatus)),
        doc="Ask the charge point to stop a transaction.",
    ),
    Action(
        "Reset",
        CS_TO_CP,
        req("Reset", Field("type", ResetType, required=True, example="Soft")),
        conf("Reset", status(ResetStatus)),
        doc="Reboot the charge point, softly or hard.",
    ),
    Action(
        "StartTransaction",
        CP_TO_CS,
        req(
            "StartTransaction",
            CONNECTOR_ID,
            _ID_TAG,
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            Field("meterStart", Integer(), required=True, example=0),
        ),
        conf("StartTransaction", TRANSACTION_ID, _ID_TAG_INFO),
        doc="Report that a transaction started and get its id.",
    ),
    Action(
        "StatusNotification",
        CP_TO_CS,
        req(
            "StatusNotification",
            CONNECTOR_ID,
            status(ChargePointStatus, "Available"),
            Field("errorCode", ChargePointErrorCode, required=True, example="NoError"),
        ),
        conf("StatusNotification"),
        doc="Report a connector's status or error.",
    ),
    Action(
        "StopTransaction",
        CP_TO_CS,
        req(
            "StopTransaction",
            TRANSACTION_ID,
            Field("idTag", TEXT, example="TAG0001"),
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            Field("meterStop", Integer(), required=True, example=0),
        ),
        conf("StopTransaction", Field("idTagInfo", IdTagInfo)),
        doc="Report that a transaction stopped, with the final meter value.",
    ),
    Action(
        "UnlockConnector",
        CS_TO_CP,
        req("UnlockConnector", CONNECTOR_ID),
        conf("UnlockConnector", status(UnlockStatus)),
        doc="Release the cable lock of a connector.",
    ),
    Action(
        "UpdateFirmware",
        CS_TO_CP,
        req(
            "UpdateFirmware",
            Field("retrieveDate", DateTime, required=True, example=EXAMPLE_TIME),
            Field(
                "location", AnyUri, required=True, example="https://firmware.example.com/ocpptk.bin"
            ),
            Field("retries", Integer(), example=3),
            Field("retryInterval", Integer(), example=60),
        ),
        conf("UpdateFirmware"),
        profile=_FIRMWARE,
        doc="Have the charge point download and install new firmware.",
    ),
)
