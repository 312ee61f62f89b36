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
"""

from __future__ import annotations

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

EXAMPLE_TIME = "2026-01-01T00:00:00Z"

_CP_TO_CS = Direction.CP_TO_CS
_CS_TO_CP = Direction.CS_TO_CP

# -- Simple types (spec 7.x) -------------------------------------------------------------------

CiString20Type = String(20, name="CiString20Type")
CiString25Type = String(25, name="CiString25Type")
CiString50Type = String(50, name="CiString50Type")
CiString255Type = String(255, name="CiString255Type")
CiString500Type = String(500, name="CiString500Type")
IdToken = String(20, name="IdToken")
# XML schema has built-ins for these two, so they stay unnamed: xs:dateTime and xs:anyURI.
DateTime = String(format="date-time")
AnyUri = String(format="uri")
# The WSDL's DecimalOne (fractionDigits 1) is multipleOf 0.1 in the JSON schemas.
DecimalOne = Number(multiple_of=0.1, name="DecimalOne")

# -- Enumerations, values in the order of the OCA JSON schemas ---------------------------------

AuthorizationStatus = Enum(
    "AuthorizationStatus", ("Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx")
)
AvailabilityStatus = Enum("AvailabilityStatus", ("Accepted", "Rejected", "Scheduled"))
AvailabilityType = Enum("AvailabilityType", ("Inoperative", "Operative"))
CancelReservationStatus = Enum("CancelReservationStatus", ("Accepted", "Rejected"))
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
ClearCacheStatus = Enum("ClearCacheStatus", ("Accepted", "Rejected"))
ClearChargingProfileStatus = Enum("ClearChargingProfileStatus", ("Accepted", "Unknown"))
ConfigurationStatus = Enum(
    "ConfigurationStatus",
    ("Accepted", "Rejected", "RebootRequired", "NotSupported"),
    xml_values=("Accepted", "NotSupported", "RebootRequired", "Rejected"),
)
DataTransferStatus = Enum(
    "DataTransferStatus", ("Accepted", "Rejected", "UnknownMessageId", "UnknownVendorId")
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
RemoteStartStopStatus = Enum("RemoteStartStopStatus", ("Accepted", "Rejected"))
ReservationStatus = Enum(
    "ReservationStatus", ("Accepted", "Faulted", "Occupied", "Rejected", "Unavailable")
)
ResetStatus = Enum("ResetStatus", ("Accepted", "Rejected"))
ResetType = Enum("ResetType", ("Hard", "Soft"))
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
UpdateType = Enum("UpdateType", ("Differential", "Full"))
ValueFormat = Enum("ValueFormat", ("Raw", "SignedData"))

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


def _req(action: str, *fields: Field, xml_order: tuple[str, ...] | None = None) -> Object:
    return Object(action + "Request", fields, xml_order=xml_order)


def _conf(action: str, *fields: Field, xml_order: tuple[str, ...] | None = None) -> Object:
    return Object(action + "Response", fields, xml_order=xml_order)


def _status(enum: Enum, example: str = "Accepted") -> Field:
    return Field("status", enum, required=True, example=example)


_CONNECTOR = Field("connectorId", Integer(), required=True, example=1)
_ID_TAG = Field("idTag", IdToken, required=True, example="TAG0001")
_TRANSACTION = Field("transactionId", Integer(), required=True, example=1)
_ID_TAG_INFO = Field("idTagInfo", IdTagInfo, required=True)

ACTIONS: tuple[Action, ...] = (
    Action(
        "Authorize",
        _CP_TO_CS,
        _req("Authorize", _ID_TAG),
        _conf("Authorize", _ID_TAG_INFO),
        doc="Ask whether an identifier may start or stop charging (4.1).",
    ),
    Action(
        "BootNotification",
        _CP_TO_CS,
        _req(
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
        _conf(
            "BootNotification",
            _status(RegistrationStatus),
            Field("currentTime", DateTime, required=True, example=EXAMPLE_TIME),
            Field("interval", Integer(), required=True, example=300),
        ),
        doc="Announce the charge point after a (re)boot and learn the heartbeat interval (4.2).",
    ),
    Action(
        "CancelReservation",
        _CS_TO_CP,
        _req("CancelReservation", Field("reservationId", Integer(), required=True, example=1)),
        _conf("CancelReservation", _status(CancelReservationStatus)),
        profile="Reservation",
        doc="Cancel a reservation made with ReserveNow (5.1).",
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
        doc="Make a connector, or the whole charge point (connector 0), (in)operative (5.2).",
    ),
    Action(
        "ChangeConfiguration",
        _CS_TO_CP,
        _req(
            "ChangeConfiguration",
            Field("key", CiString50Type, required=True, example="HeartbeatInterval"),
            Field("value", CiString500Type, required=True, example="300"),
        ),
        _conf("ChangeConfiguration", _status(ConfigurationStatus)),
        doc="Set one configuration key (5.3).",
    ),
    Action(
        "ClearCache",
        _CS_TO_CP,
        _req("ClearCache"),
        _conf("ClearCache", _status(ClearCacheStatus)),
        doc="Empty the authorization cache (5.4).",
    ),
    Action(
        "ClearChargingProfile",
        _CS_TO_CP,
        _req(
            "ClearChargingProfile",
            Field("id", Integer(), example=1),
            Field("connectorId", Integer(), example=1),
            Field("chargingProfilePurpose", ChargingProfilePurposeType, example="TxProfile"),
            Field("stackLevel", Integer(), example=0),
        ),
        _conf("ClearChargingProfile", _status(ClearChargingProfileStatus)),
        profile="SmartCharging",
        doc="Remove the charging profiles that match every criterion given (5.5).",
    ),
    Action(
        "DataTransfer",
        Direction.BOTH,
        _req(
            "DataTransfer",
            Field("vendorId", CiString255Type, required=True, example="ocpptk"),
            Field("messageId", CiString50Type, example="Echo"),
            Field("data", String(), example="hello"),
        ),
        _conf(
            "DataTransfer",
            _status(DataTransferStatus),
            Field("data", String()),
        ),
        doc="Vendor-specific data, in either direction; ``data`` is free-form (4.3, 5.6).",
    ),
    Action(
        "DiagnosticsStatusNotification",
        _CP_TO_CS,
        _req("DiagnosticsStatusNotification", _status(DiagnosticsStatus, "Idle")),
        _conf("DiagnosticsStatusNotification"),
        profile="FirmwareManagement",
        doc="Report the progress of a diagnostics upload (4.4).",
    ),
    Action(
        "FirmwareStatusNotification",
        _CP_TO_CS,
        _req("FirmwareStatusNotification", _status(FirmwareStatus, "Idle")),
        _conf("FirmwareStatusNotification"),
        profile="FirmwareManagement",
        doc="Report the progress of a firmware update (4.5).",
    ),
    Action(
        "GetCompositeSchedule",
        _CS_TO_CP,
        _req(
            "GetCompositeSchedule",
            _CONNECTOR,
            Field("duration", Integer(), required=True, example=3600),
            Field("chargingRateUnit", ChargingRateUnitType, example="A"),
        ),
        _conf(
            "GetCompositeSchedule",
            _status(GetCompositeScheduleStatus),
            Field("connectorId", Integer(), example=1),
            Field("scheduleStart", DateTime, example=EXAMPLE_TIME),
            Field("chargingSchedule", ChargingSchedule),
        ),
        profile="SmartCharging",
        doc="Ask for the schedule that results from all active profiles (5.7).",
    ),
    Action(
        "GetConfiguration",
        _CS_TO_CP,
        _req(
            "GetConfiguration",
            Field("key", Array(CiString50Type), example=("HeartbeatInterval",)),
        ),
        _conf(
            "GetConfiguration",
            Field("configurationKey", Array(KeyValue)),
            Field("unknownKey", Array(CiString50Type)),
        ),
        doc="Read configuration keys; no key means all of them (5.8).",
    ),
    Action(
        "GetDiagnostics",
        _CS_TO_CP,
        _req(
            "GetDiagnostics",
            Field("location", AnyUri, required=True, example="ftp://diagnostics.example.com/"),
            Field("retries", Integer(), example=3),
            Field("retryInterval", Integer(), example=60),
            Field("startTime", DateTime),
            Field("stopTime", DateTime),
            xml_order=("location", "startTime", "stopTime", "retries", "retryInterval"),
        ),
        _conf("GetDiagnostics", Field("fileName", CiString255Type, example="diagnostics.zip")),
        profile="FirmwareManagement",
        doc="Have the charge point upload a diagnostics file to a URI (5.9).",
    ),
    Action(
        "GetLocalListVersion",
        _CS_TO_CP,
        _req("GetLocalListVersion"),
        _conf("GetLocalListVersion", Field("listVersion", Integer(), required=True, example=0)),
        profile="LocalAuthListManagement",
        doc="Ask for the version of the local authorization list (5.10).",
    ),
    Action(
        "Heartbeat",
        _CP_TO_CS,
        _req("Heartbeat"),
        _conf("Heartbeat", Field("currentTime", DateTime, required=True, example=EXAMPLE_TIME)),
        doc="Tell the central system we are alive and learn its time (4.6).",
    ),
    Action(
        "MeterValues",
        _CP_TO_CS,
        _req(
            "MeterValues",
            _CONNECTOR,
            Field("transactionId", Integer(), example=1),
            Field("meterValue", Array(MeterValue), required=True, xml_min_occurs=0),
        ),
        _conf("MeterValues"),
        doc="Send sampled meter values, in or outside a transaction (4.7).",
    ),
    Action(
        "RemoteStartTransaction",
        _CS_TO_CP,
        _req(
            "RemoteStartTransaction",
            Field("connectorId", Integer(), example=1),
            _ID_TAG,
            Field("chargingProfile", ChargingProfile),
        ),
        _conf("RemoteStartTransaction", _status(RemoteStartStopStatus)),
        doc="Ask the charge point to start a transaction for an identifier (5.11).",
    ),
    Action(
        "RemoteStopTransaction",
        _CS_TO_CP,
        _req("RemoteStopTransaction", _TRANSACTION),
        _conf("RemoteStopTransaction", _status(RemoteStartStopStatus)),
        doc="Ask the charge point to stop a transaction (5.12).",
    ),
    Action(
        "ReserveNow",
        _CS_TO_CP,
        _req(
            "ReserveNow",
            _CONNECTOR,
            Field("expiryDate", DateTime, required=True, example=EXAMPLE_TIME),
            _ID_TAG,
            Field("parentIdTag", IdToken),
            Field("reservationId", Integer(), required=True, example=1),
        ),
        _conf("ReserveNow", _status(ReservationStatus)),
        profile="Reservation",
        doc="Reserve a connector for an identifier until a given time (5.13).",
    ),
    Action(
        "Reset",
        _CS_TO_CP,
        _req("Reset", Field("type", ResetType, required=True, example="Soft")),
        _conf("Reset", _status(ResetStatus)),
        doc="Reboot the charge point, softly or hard (5.14).",
    ),
    Action(
        "SendLocalList",
        _CS_TO_CP,
        _req(
            "SendLocalList",
            Field("listVersion", Integer(), required=True, example=1),
            Field("localAuthorizationList", Array(AuthorizationData)),
            Field("updateType", UpdateType, required=True, example="Full"),
        ),
        _conf("SendLocalList", _status(UpdateStatus)),
        profile="LocalAuthListManagement",
        doc="Replace or update the local authorization list (5.15).",
    ),
    Action(
        "SetChargingProfile",
        _CS_TO_CP,
        _req(
            "SetChargingProfile",
            _CONNECTOR,
            Field("csChargingProfiles", ChargingProfile, required=True),
        ),
        _conf("SetChargingProfile", _status(ChargingProfileStatus)),
        profile="SmartCharging",
        doc="Install a charging profile on a connector (5.16).",
    ),
    Action(
        "StartTransaction",
        _CP_TO_CS,
        _req(
            "StartTransaction",
            _CONNECTOR,
            _ID_TAG,
            Field("meterStart", Integer(), required=True, example=0),
            Field("reservationId", Integer()),
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            xml_order=("connectorId", "idTag", "timestamp", "meterStart", "reservationId"),
        ),
        _conf(
            "StartTransaction",
            _ID_TAG_INFO,
            _TRANSACTION,
            xml_order=("transactionId", "idTagInfo"),
        ),
        doc="Report that a transaction started and get its id (4.8).",
    ),
    Action(
        "StatusNotification",
        _CP_TO_CS,
        _req(
            "StatusNotification",
            _CONNECTOR,
            Field("errorCode", ChargePointErrorCode, required=True, example="NoError"),
            Field("info", CiString50Type),
            _status(ChargePointStatus, "Available"),
            Field("timestamp", DateTime, example=EXAMPLE_TIME),
            Field("vendorId", CiString255Type),
            Field("vendorErrorCode", CiString50Type),
            xml_order=(
                *("connectorId", "status", "errorCode", "info", "timestamp", "vendorId"),
                "vendorErrorCode",
            ),
        ),
        _conf("StatusNotification"),
        doc="Report a connector's status or error (4.9).",
    ),
    Action(
        "StopTransaction",
        _CP_TO_CS,
        _req(
            "StopTransaction",
            Field("idTag", IdToken, example="TAG0001"),
            Field("meterStop", Integer(), required=True, example=0),
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            _TRANSACTION,
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
        _conf("StopTransaction", Field("idTagInfo", IdTagInfo)),
        doc="Report that a transaction stopped, with the final meter value (4.10).",
    ),
    Action(
        "TriggerMessage",
        _CS_TO_CP,
        _req(
            "TriggerMessage",
            Field("requestedMessage", MessageTrigger, required=True, example="StatusNotification"),
            Field("connectorId", Integer(), example=1),
        ),
        _conf("TriggerMessage", _status(TriggerMessageStatus)),
        profile="RemoteTrigger",
        doc="Ask the charge point to send one of its messages now (5.17).",
    ),
    Action(
        "UnlockConnector",
        _CS_TO_CP,
        _req("UnlockConnector", _CONNECTOR),
        _conf("UnlockConnector", _status(UnlockStatus, "Unlocked")),
        doc="Release the cable lock of a connector (5.18).",
    ),
    Action(
        "UpdateFirmware",
        _CS_TO_CP,
        _req(
            "UpdateFirmware",
            Field(
                "location", AnyUri, required=True, example="https://firmware.example.com/ocpptk.bin"
            ),
            Field("retries", Integer(), example=3),
            Field("retrieveDate", DateTime, required=True, example=EXAMPLE_TIME),
            Field("retryInterval", Integer(), example=60),
            xml_order=("retrieveDate", "location", "retries", "retryInterval"),
        ),
        _conf("UpdateFirmware"),
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
