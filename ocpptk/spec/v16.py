"""The OCPP 1.6 message model: all 28 actions, written once as data.

Source: OCPP 1.6 edition 2 (errata 2019-12), chapters 4-7, and the OCA JSON schemas of that
edition, whose semantics this reproduces exactly (``schemas/1.6/`` is generated from here and
``tests/spec/test_schemas_oracle.py`` proves it equivalent to the OCA files). Where the OCA JSON
schemas and the prose or the WSDL disagree, the JSON schemas win, because they are what OCPP-J
peers validate against:

- no array has ``minItems`` (the WSDL says ``minOccurs="1"`` for ``meterValue``, ``sampledValue``
  and ``chargingSchedulePeriod``; the JSON schemas accept empty lists);
- ``UnitOfMeasure`` in MeterValues lists both ``Celcius`` and ``Celsius``; the copy in
  StopTransaction's ``transactionData`` was not updated and only has ``Celcius``, so that copy is
  its own type here (``TransactionDataUnitOfMeasure``);
- enumeration values keep the order of the JSON schemas, which is not the WSDL's order.

The WSDL (``wsdl/1.6/``, generated from here too) differs from the JSON schemas in ways JSON
cannot see; those facts are the ``xml_`` keywords (see ``ocpptk.spec.model``):

- the element order of ``IdTagInfo``, ``StartTransaction``, ``StatusNotification``,
  ``StopTransaction``, ``GetDiagnostics`` and ``UpdateFirmware`` (``xml_order``);
- the order of nine enumerations (``xml_values``); ``UnitOfMeasure`` in XML has only ``Celsius``,
  neither JSON typo ``Celcius``, and StopTransaction's ``transactionData`` is the plain
  ``MeterValue`` type (``xml_type``), so ``TransactionData*`` types exist in JSON only;
- ``minOccurs`` 1 on ``sampledValue`` and ``chargingSchedulePeriod`` (the JSON has no minItems)
  follows from ``required``; ``meterValue`` in MeterValues is ``minOccurs="0"`` in the WSDL
  although JSON requires it (``xml_min_occurs``);
- both WSDLs declare the shared simple types and ``IdTagInfo`` even where no operation uses them
  (``WSDL_SHARED_TYPES``).

Named types carry their OCPP names and are module constants (``IdTagInfo``, ``ChargingProfile``,
``RegistrationStatus``) so that other generators, such as the WSDL one, can reuse them.
Timestamps in examples are ``EXAMPLE_TIME``; consumers replace them with the current time.
What 1.6 kept exactly as 1.5 had it (``IdToken`` and twelve enumerations; eight actions, listed
by name in ``ACTIONS``, whose doc only gains the 1.6 section) is 1.5's definition, imported from
:mod:`ocpptk.spec.v15`.
"""

from __future__ import annotations

from dataclasses import replace

from ocpptk.spec import v15
from ocpptk.spec.common import (
    CONNECTOR_ID,
    CP_TO_CS,
    CS_TO_CP,
    EXAMPLE_TIME,
    TRANSACTION_ID,
    AnyUri,
    DateTime,
    conf,
    req,
    status,
)
from ocpptk.spec.model import (
    Action,
    Array,
    Boolean,
    Direction,
    Enum,
    Field,
    Integer,
    Number,
    Object,
    String,
)

# The types 1.6 kept as 1.5 had them: same values, in the order of the OCA JSON schemas too.
from ocpptk.spec.v15 import (
    AuthorizationStatus,
    AvailabilityStatus,
    AvailabilityType,
    CancelReservationStatus,
    ClearCacheStatus,
    DataTransferStatus,
    IdToken,
    RemoteStartStopStatus,
    ReservationStatus,
    ResetStatus,
    ResetType,
    UpdateType,
    ValueFormat,
)

__all__ = [
    "ACTIONS",
    "EXAMPLE_TIME",
    "WSDL_SHARED_TYPES",
    "AnyUri",
    "AuthorizationData",
    "AuthorizationStatus",
    "AvailabilityStatus",
    "AvailabilityType",
    "CancelReservationStatus",
    "ChargePointErrorCode",
    "ChargePointStatus",
    "ChargingProfile",
    "ChargingProfileKindType",
    "ChargingProfilePurposeType",
    "ChargingProfileStatus",
    "ChargingRateUnitType",
    "ChargingSchedule",
    "ChargingSchedulePeriod",
    "CiString20Type",
    "CiString25Type",
    "CiString50Type",
    "CiString255Type",
    "CiString500Type",
    "ClearCacheStatus",
    "ClearChargingProfileStatus",
    "ConfigurationStatus",
    "DataTransferStatus",
    "DateTime",
    "DecimalOne",
    "DiagnosticsStatus",
    "FirmwareStatus",
    "GetCompositeScheduleStatus",
    "IdTagInfo",
    "IdToken",
    "KeyValue",
    "Location",
    "Measurand",
    "MessageTrigger",
    "MeterValue",
    "Phase",
    "ReadingContext",
    "Reason",
    "RecurrencyKindType",
    "RegistrationStatus",
    "RemoteStartStopStatus",
    "ReservationStatus",
    "ResetStatus",
    "ResetType",
    "SampledValue",
    "TransactionDataMeterValue",
    "TransactionDataSampledValue",
    "TransactionDataUnitOfMeasure",
    "TriggerMessageStatus",
    "UnitOfMeasure",
    "UnlockStatus",
    "UpdateStatus",
    "UpdateType",
    "ValueFormat",
]

# -- Simple types (spec 7.x) -------------------------------------------------------------------

CiString20Type = String(20, name="CiString20Type")
CiString25Type = String(25, name="CiString25Type")
CiString50Type = String(50, name="CiString50Type")
CiString255Type = String(255, name="CiString255Type")
CiString500Type = String(500, name="CiString500Type")
# IdToken is 1.5's; DateTime and AnyUri, xs:dateTime and xs:anyURI, are ocpptk.spec.common's.
#
# The WSDL's DecimalOne (fractionDigits 1) is multipleOf 0.1 in the JSON schemas.
DecimalOne = Number(multiple_of=0.1, name="DecimalOne")

# -- Enumerations new or changed in 1.6, values in the order of the OCA JSON schemas -----------

ChargePointErrorCode = Enum(
    "ChargePointErrorCode",
    (
        "ConnectorLockFailure",
        "EVCommunicationError",
        "GroundFailure",
        "HighTemperature",
        "InternalError",
        "LocalListConflict",
        "NoError",
        "OtherError",
        "OverCurrentFailure",
        "PowerMeterFailure",
        "PowerSwitchFailure",
        "ReaderFailure",
        "ResetFailure",
        "UnderVoltage",
        "OverVoltage",
        "WeakSignal",
    ),
    xml_values=(
        *("ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature"),
        *("InternalError", "LocalListConflict", "NoError", "OtherError", "OverCurrentFailure"),
        *("OverVoltage", "PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure"),
        *("ResetFailure", "UnderVoltage", "WeakSignal"),
    ),
)
ChargePointStatus = Enum(
    "ChargePointStatus",
    (
        "Available",
        "Preparing",
        "Charging",
        "SuspendedEVSE",
        "SuspendedEV",
        "Finishing",
        "Reserved",
        "Unavailable",
        "Faulted",
    ),
    xml_values=(
        *("Available", "Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"),
        *("Reserved", "Faulted", "Unavailable"),
    ),
)
ChargingProfileKindType = Enum("ChargingProfileKindType", ("Absolute", "Recurring", "Relative"))
ChargingProfilePurposeType = Enum(
    "ChargingProfilePurposeType", ("ChargePointMaxProfile", "TxDefaultProfile", "TxProfile")
)
ChargingProfileStatus = Enum("ChargingProfileStatus", ("Accepted", "Rejected", "NotSupported"))
ChargingRateUnitType = Enum("ChargingRateUnitType", ("A", "W"), xml_values=("W", "A"))
ClearChargingProfileStatus = Enum("ClearChargingProfileStatus", ("Accepted", "Unknown"))
ConfigurationStatus = Enum(
    "ConfigurationStatus",
    ("Accepted", "Rejected", "RebootRequired", "NotSupported"),
    xml_values=("Accepted", "NotSupported", "RebootRequired", "Rejected"),
)
DiagnosticsStatus = Enum("DiagnosticsStatus", ("Idle", "Uploaded", "UploadFailed", "Uploading"))
FirmwareStatus = Enum(
    "FirmwareStatus",
    (
        "Downloaded",
        "DownloadFailed",
        "Downloading",
        "Idle",
        "InstallationFailed",
        "Installing",
        "Installed",
    ),
    xml_values=(
        *("Downloaded", "DownloadFailed", "Downloading", "Idle", "InstallationFailed"),
        *("Installed", "Installing"),
    ),
)
GetCompositeScheduleStatus = Enum("GetCompositeScheduleStatus", ("Accepted", "Rejected"))
Location = Enum(
    "Location",
    ("Cable", "EV", "Inlet", "Outlet", "Body"),
    xml_values=("Body", "Cable", "EV", "Inlet", "Outlet"),
)
Measurand = Enum(
    "Measurand",
    (
        "Energy.Active.Export.Register",
        "Energy.Active.Import.Register",
        "Energy.Reactive.Export.Register",
        "Energy.Reactive.Import.Register",
        "Energy.Active.Export.Interval",
        "Energy.Active.Import.Interval",
        "Energy.Reactive.Export.Interval",
        "Energy.Reactive.Import.Interval",
        "Power.Active.Export",
        "Power.Active.Import",
        "Power.Offered",
        "Power.Reactive.Export",
        "Power.Reactive.Import",
        "Power.Factor",
        "Current.Import",
        "Current.Export",
        "Current.Offered",
        "Voltage",
        "Frequency",
        "Temperature",
        "SoC",
        "RPM",
    ),
    xml_values=(
        *("Current.Export", "Current.Import", "Current.Offered"),
        *("Energy.Active.Export.Register", "Energy.Active.Import.Register"),
        *("Energy.Reactive.Export.Register", "Energy.Reactive.Import.Register"),
        *("Energy.Active.Export.Interval", "Energy.Active.Import.Interval"),
        *("Energy.Reactive.Export.Interval", "Energy.Reactive.Import.Interval"),
        *("Frequency", "Power.Active.Export", "Power.Active.Import", "Power.Factor"),
        *("Power.Offered", "Power.Reactive.Export", "Power.Reactive.Import", "RPM", "SoC"),
        *("Temperature", "Voltage"),
    ),
)
MessageTrigger = Enum(
    "MessageTrigger",
    (
        "BootNotification",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "StatusNotification",
    ),
)
Phase = Enum("Phase", ("L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"))
ReadingContext = Enum(
    "ReadingContext",
    (
        "Interruption.Begin",
        "Interruption.End",
        "Sample.Clock",
        "Sample.Periodic",
        "Transaction.Begin",
        "Transaction.End",
        "Trigger",
        "Other",
    ),
    xml_values=(
        *("Interruption.Begin", "Interruption.End", "Other", "Sample.Clock", "Sample.Periodic"),
        *("Transaction.Begin", "Transaction.End", "Trigger"),
    ),
)
Reason = Enum(
    "Reason",
    (
        "EmergencyStop",
        "EVDisconnected",
        "HardReset",
        "Local",
        "Other",
        "PowerLoss",
        "Reboot",
        "Remote",
        "SoftReset",
        "UnlockCommand",
        "DeAuthorized",
    ),
)
RecurrencyKindType = Enum("RecurrencyKindType", ("Daily", "Weekly"))
RegistrationStatus = Enum("RegistrationStatus", ("Accepted", "Pending", "Rejected"))
TriggerMessageStatus = Enum("TriggerMessageStatus", ("Accepted", "Rejected", "NotImplemented"))
_UNITS_BEFORE_CELSIUS = (
    *("Wh", "kWh", "varh", "kvarh", "W", "kW", "VA", "kVA", "var", "kvar", "A", "V", "K"),
    "Celcius",  # sic, in the OCA schemas
)
# The WSDL spells Celsius right, once, and puts it first.
_XML_UNITS = (
    *("Celsius", "Fahrenheit", "Wh", "kWh", "varh", "kvarh", "W", "kW", "VA", "kVA", "var"),
    *("kvar", "A", "V", "K", "Percent"),
)
UnitOfMeasure = Enum(
    "UnitOfMeasure",
    (*_UNITS_BEFORE_CELSIUS, "Celsius", "Fahrenheit", "Percent"),
    xml_values=_XML_UNITS,
)
# StopTransaction's copy of the list, without the "Celsius" the 2019 errata added elsewhere.
TransactionDataUnitOfMeasure = Enum(
    "TransactionDataUnitOfMeasure", (*_UNITS_BEFORE_CELSIUS, "Fahrenheit", "Percent")
)
UnlockStatus = Enum("UnlockStatus", ("Unlocked", "UnlockFailed", "NotSupported"))
UpdateStatus = Enum("UpdateStatus", ("Accepted", "Failed", "NotSupported", "VersionMismatch"))

# -- Composite types ---------------------------------------------------------------------------

IdTagInfo = Object(
    "IdTagInfo",
    (
        Field("expiryDate", DateTime, example=EXAMPLE_TIME),
        Field("parentIdTag", IdToken),
        Field("status", AuthorizationStatus, required=True, example="Accepted"),
    ),
    xml_order=("status", "expiryDate", "parentIdTag"),
)

AuthorizationData = Object(
    "AuthorizationData",
    (
        Field("idTag", IdToken, required=True, example="TAG0001"),
        Field("idTagInfo", IdTagInfo),
    ),
)

KeyValue = Object(
    "KeyValue",
    (
        Field("key", CiString50Type, required=True, example="HeartbeatInterval"),
        Field("readonly", Boolean(), required=True, example=False),
        Field("value", CiString500Type, example="300"),
    ),
)

ChargingSchedulePeriod = Object(
    "ChargingSchedulePeriod",
    (
        Field("startPeriod", Integer(), required=True, example=0),
        Field("limit", DecimalOne, required=True, example=16.0),
        Field("numberPhases", Integer(), example=3),
    ),
)

ChargingSchedule = Object(
    "ChargingSchedule",
    (
        Field("duration", Integer(), example=3600),
        # No example: a Relative profile (the example kind) must not have a start.
        Field("startSchedule", DateTime),
        Field("chargingRateUnit", ChargingRateUnitType, required=True, example="A"),
        Field("chargingSchedulePeriod", Array(ChargingSchedulePeriod), required=True),
        Field("minChargingRate", DecimalOne),
    ),
)

ChargingProfile = Object(
    "ChargingProfile",
    (
        Field("chargingProfileId", Integer(), required=True, example=1),
        Field("transactionId", Integer()),
        Field("stackLevel", Integer(), required=True, example=0),
        Field(
            "chargingProfilePurpose", ChargingProfilePurposeType, required=True, example="TxProfile"
        ),
        Field("chargingProfileKind", ChargingProfileKindType, required=True, example="Relative"),
        Field("recurrencyKind", RecurrencyKindType),
        Field("validFrom", DateTime),
        Field("validTo", DateTime),
        Field("chargingSchedule", ChargingSchedule, required=True),
    ),
)


def _sampled_value(name: str, unit: Enum) -> Object:
    """SampledValue, parametrised by its unit list because of the StopTransaction quirk."""
    return Object(
        name,
        (
            Field("value", String(), required=True, example="0"),
            Field("context", ReadingContext, example="Sample.Periodic"),
            Field("format", ValueFormat, example="Raw"),
            Field("measurand", Measurand, example="Energy.Active.Import.Register"),
            Field("phase", Phase),
            Field("location", Location, example="Outlet"),
            Field("unit", unit, example="Wh"),
        ),
    )


def _meter_value(name: str, sampled_value: Object) -> Object:
    return Object(
        name,
        (
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            Field("sampledValue", Array(sampled_value), required=True),
        ),
    )


SampledValue = _sampled_value("SampledValue", UnitOfMeasure)
MeterValue = _meter_value("MeterValue", SampledValue)
TransactionDataSampledValue = _sampled_value(
    "TransactionDataSampledValue", TransactionDataUnitOfMeasure
)
TransactionDataMeterValue = _meter_value("TransactionDataMeterValue", TransactionDataSampledValue)


# -- Actions -----------------------------------------------------------------------------------

_ID_TAG = Field("idTag", IdToken, required=True, example="TAG0001")
_ID_TAG_INFO = Field("idTagInfo", IdTagInfo, required=True)
_IN_1_5 = {act.name: act for act in v15.ACTIONS}


def _as_in_1_5(name: str, section: str) -> Action:
    """The 1.5 action ``name``, which 1.6 kept as it was; its doc cites the 1.6 ``section``."""
    act = _IN_1_5[name]
    return replace(act, doc=f"{act.doc.removesuffix('.')} ({section}).")


ACTIONS: tuple[Action, ...] = (
    Action(
        "Authorize",
        CP_TO_CS,
        req("Authorize", _ID_TAG),
        conf("Authorize", _ID_TAG_INFO),
        doc="Ask whether an identifier may start or stop charging (4.1).",
    ),
    Action(
        "BootNotification",
        CP_TO_CS,
        req(
            "BootNotification",
            Field("chargePointVendor", CiString20Type, required=True, example="ocpptk"),
            Field("chargePointModel", CiString20Type, required=True, example="Simulator"),
            Field("chargePointSerialNumber", CiString25Type, example="SIM-0001"),
            Field("chargeBoxSerialNumber", CiString25Type),
            Field("firmwareVersion", CiString50Type, example="0.1.0"),
            Field("iccid", CiString20Type),
            Field("imsi", CiString20Type),
            Field("meterType", CiString25Type),
            Field("meterSerialNumber", CiString25Type),
        ),
        conf(
            "BootNotification",
            status(RegistrationStatus),
            Field("currentTime", DateTime, required=True, example=EXAMPLE_TIME),
            Field("interval", Integer(), required=True, example=300),
        ),
        doc="Announce the charge point after a (re)boot and learn the heartbeat interval (4.2).",
    ),
    _as_in_1_5("CancelReservation", "5.1"),
    _as_in_1_5("ChangeAvailability", "5.2"),
    Action(
        "ChangeConfiguration",
        CS_TO_CP,
        req(
            "ChangeConfiguration",
            Field("key", CiString50Type, required=True, example="HeartbeatInterval"),
            Field("value", CiString500Type, required=True, example="300"),
        ),
        conf("ChangeConfiguration", status(ConfigurationStatus)),
        doc="Set one configuration key (5.3).",
    ),
    _as_in_1_5("ClearCache", "5.4"),
    Action(
        "ClearChargingProfile",
        CS_TO_CP,
        req(
            "ClearChargingProfile",
            Field("id", Integer(), example=1),
            Field("connectorId", Integer(), example=1),
            Field("chargingProfilePurpose", ChargingProfilePurposeType, example="TxProfile"),
            Field("stackLevel", Integer(), example=0),
        ),
        conf("ClearChargingProfile", status(ClearChargingProfileStatus)),
        profile="SmartCharging",
        doc="Remove the charging profiles that match every criterion given (5.5).",
    ),
    Action(
        "DataTransfer",
        Direction.BOTH,
        req(
            "DataTransfer",
            Field("vendorId", CiString255Type, required=True, example="ocpptk"),
            Field("messageId", CiString50Type, example="Echo"),
            Field("data", String(), example="hello"),
        ),
        conf(
            "DataTransfer",
            status(DataTransferStatus),
            Field("data", String()),
        ),
        doc="Vendor-specific data, in either direction; ``data`` is free-form (4.3, 5.6).",
    ),
    Action(
        "DiagnosticsStatusNotification",
        CP_TO_CS,
        req("DiagnosticsStatusNotification", status(DiagnosticsStatus, "Idle")),
        conf("DiagnosticsStatusNotification"),
        profile="FirmwareManagement",
        doc="Report the progress of a diagnostics upload (4.4).",
    ),
    Action(
        "FirmwareStatusNotification",
        CP_TO_CS,
        req("FirmwareStatusNotification", status(FirmwareStatus, "Idle")),
        conf("FirmwareStatusNotification"),
        profile="FirmwareManagement",
        doc="Report the progress of a firmware update (4.5).",
    ),
    Action(
        "GetCompositeSchedule",
        CS_TO_CP,
        req(
            "GetCompositeSchedule",
            CONNECTOR_ID,
            Field("duration", Integer(), required=True, example=3600),
            Field("chargingRateUnit", ChargingRateUnitType, example="A"),
        ),
        conf(
            "GetCompositeSchedule",
            status(GetCompositeScheduleStatus),
            Field("connectorId", Integer(), example=1),
            Field("scheduleStart", DateTime, example=EXAMPLE_TIME),
            Field("chargingSchedule", ChargingSchedule),
        ),
        profile="SmartCharging",
        doc="Ask for the schedule that results from all active profiles (5.7).",
    ),
    Action(
        "GetConfiguration",
        CS_TO_CP,
        req(
            "GetConfiguration",
            Field("key", Array(CiString50Type), example=("HeartbeatInterval",)),
        ),
        conf(
            "GetConfiguration",
            Field("configurationKey", Array(KeyValue)),
            Field("unknownKey", Array(CiString50Type)),
        ),
        doc="Read configuration keys; no key means all of them (5.8).",
    ),
    Action(
        "GetDiagnostics",
        CS_TO_CP,
        req(
            "GetDiagnostics",
            Field("location", AnyUri, required=True, example="ftp://diagnostics.example.com/"),
            Field("retries", Integer(), example=3),
            Field("retryInterval", Integer(), example=60),
            Field("startTime", DateTime),
            Field("stopTime", DateTime),
            xml_order=("location", "startTime", "stopTime", "retries", "retryInterval"),
        ),
        conf("GetDiagnostics", Field("fileName", CiString255Type, example="diagnostics.zip")),
        profile="FirmwareManagement",
        doc="Have the charge point upload a diagnostics file to a URI (5.9).",
    ),
    _as_in_1_5("GetLocalListVersion", "5.10"),
    _as_in_1_5("Heartbeat", "4.6"),
    Action(
        "MeterValues",
        CP_TO_CS,
        req(
            "MeterValues",
            CONNECTOR_ID,
            Field("transactionId", Integer(), example=1),
            Field("meterValue", Array(MeterValue), required=True, xml_min_occurs=0),
        ),
        conf("MeterValues"),
        doc="Send sampled meter values, in or outside a transaction (4.7).",
    ),
    Action(
        "RemoteStartTransaction",
        CS_TO_CP,
        req(
            "RemoteStartTransaction",
            Field("connectorId", Integer(), example=1),
            _ID_TAG,
            Field("chargingProfile", ChargingProfile),
        ),
        conf("RemoteStartTransaction", status(RemoteStartStopStatus)),
        doc="Ask the charge point to start a transaction for an identifier (5.11).",
    ),
    _as_in_1_5("RemoteStopTransaction", "5.12"),
    _as_in_1_5("ReserveNow", "5.13"),
    _as_in_1_5("Reset", "5.14"),
    Action(
        "SendLocalList",
        CS_TO_CP,
        req(
            "SendLocalList",
            Field("listVersion", Integer(), required=True, example=1),
            Field("localAuthorizationList", Array(AuthorizationData)),
            Field("updateType", UpdateType, required=True, example="Full"),
        ),
        conf("SendLocalList", status(UpdateStatus)),
        profile="LocalAuthListManagement",
        doc="Replace or update the local authorization list (5.15).",
    ),
    Action(
        "SetChargingProfile",
        CS_TO_CP,
        req(
            "SetChargingProfile",
            CONNECTOR_ID,
            Field("csChargingProfiles", ChargingProfile, required=True),
        ),
        conf("SetChargingProfile", status(ChargingProfileStatus)),
        profile="SmartCharging",
        doc="Install a charging profile on a connector (5.16).",
    ),
    Action(
        "StartTransaction",
        CP_TO_CS,
        req(
            "StartTransaction",
            CONNECTOR_ID,
            _ID_TAG,
            Field("meterStart", Integer(), required=True, example=0),
            Field("reservationId", Integer()),
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            xml_order=("connectorId", "idTag", "timestamp", "meterStart", "reservationId"),
        ),
        conf(
            "StartTransaction",
            _ID_TAG_INFO,
            TRANSACTION_ID,
            xml_order=("transactionId", "idTagInfo"),
        ),
        doc="Report that a transaction started and get its id (4.8).",
    ),
    Action(
        "StatusNotification",
        CP_TO_CS,
        req(
            "StatusNotification",
            CONNECTOR_ID,
            Field("errorCode", ChargePointErrorCode, required=True, example="NoError"),
            Field("info", CiString50Type),
            status(ChargePointStatus, "Available"),
            Field("timestamp", DateTime, example=EXAMPLE_TIME),
            Field("vendorId", CiString255Type),
            Field("vendorErrorCode", CiString50Type),
            xml_order=(
                *("connectorId", "status", "errorCode", "info", "timestamp", "vendorId"),
                "vendorErrorCode",
            ),
        ),
        conf("StatusNotification"),
        doc="Report a connector's status or error (4.9).",
    ),
    Action(
        "StopTransaction",
        CP_TO_CS,
        req(
            "StopTransaction",
            Field("idTag", IdToken, example="TAG0001"),
            Field("meterStop", Integer(), required=True, example=0),
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            TRANSACTION_ID,
            Field("reason", Reason, example="Local"),
            Field(
                "transactionData",
                Array(TransactionDataMeterValue),
                xml_type=Array(MeterValue),  # one MeterValue type in the WSDL
            ),
            xml_order=(
                *("transactionId", "idTag", "timestamp", "meterStop", "reason"),
                "transactionData",
            ),
        ),
        conf("StopTransaction", Field("idTagInfo", IdTagInfo)),
        doc="Report that a transaction stopped, with the final meter value (4.10).",
    ),
    Action(
        "TriggerMessage",
        CS_TO_CP,
        req(
            "TriggerMessage",
            Field("requestedMessage", MessageTrigger, required=True, example="StatusNotification"),
            Field("connectorId", Integer(), example=1),
        ),
        conf("TriggerMessage", status(TriggerMessageStatus)),
        profile="RemoteTrigger",
        doc="Ask the charge point to send one of its messages now (5.17).",
    ),
    Action(
        "UnlockConnector",
        CS_TO_CP,
        req("UnlockConnector", CONNECTOR_ID),
        conf("UnlockConnector", status(UnlockStatus, "Unlocked")),
        doc="Release the cable lock of a connector (5.18).",
    ),
    Action(
        "UpdateFirmware",
        CS_TO_CP,
        req(
            "UpdateFirmware",
            Field(
                "location", AnyUri, required=True, example="https://firmware.example.com/ocpptk.bin"
            ),
            Field("retries", Integer(), example=3),
            Field("retrieveDate", DateTime, required=True, example=EXAMPLE_TIME),
            Field("retryInterval", Integer(), example=60),
            xml_order=("retrieveDate", "location", "retries", "retryInterval"),
        ),
        conf("UpdateFirmware"),
        profile="FirmwareManagement",
        doc="Have the charge point download and install new firmware (5.19).",
    ),
)

# Declared by both OCA WSDLs ("types shared with ...") whether or not an operation uses them.
WSDL_SHARED_TYPES = (
    IdToken,
    CiString20Type,
    CiString25Type,
    CiString50Type,
    CiString255Type,
    CiString500Type,
    AuthorizationStatus,
    IdTagInfo,
)
