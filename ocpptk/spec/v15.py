"""The OCPP 1.5 message model: the 24 actions of the 1.5 SOAP services, written as data.

Source: the types of the OCPP 1.5 WSDLs (central system service ``urn://Ocpp/Cs/2012/06/``, 10
operations; charge point service ``urn://Ocpp/Cp/2012/06/``, 15; ``DataTransfer`` is in both),
whose every fact this repeats: names (``AuthorisationData`` and ``localAuthorisationList`` with
an *s*), element order, types, length limits (each BootNotification field has its own named
string type), enumerations in the WSDL's order, ``minOccurs``/``maxOccurs``. ``wsdl/1.5/`` is
generated from here and ``tests/spec/test_wsdl_oracle.py`` proves it the same as the OCA files.
The OCA files call themselves "1.5 draft for approval (1.5 RC4)"; no other 1.5 WSDL is published.
1.5 has no feature profiles; ``Action.profile`` repeats the 1.6 one, for grouping. What 1.5 kept
exactly as 1.2 had it (twelve enumerations and eleven actions, the latter listed by name in
``ACTIONS``) is 1.2's own definition, imported from :mod:`ocpptk.spec.v12`.

JSON (``schemas/1.5/`` and ``schemas/1.2/``, OCPP-J on the subprotocols ``ocpp1.5``/``ocpp1.2``)
-------------------------------------------------------------------------------------------------

No OCA JSON schema exists for 1.2 or 1.5. The JSON form used by the early OCPP-J drafts, as the
GIR ``ocppjs`` simulator implements it (it builds its JSON schemas from these WSDLs, in
``lib/ocpp-protocol.js``: ``getJSONSchema`` and the special case ``itemsForValueType``; seen in
its copies on GitHub, e.g. fabian-st/ocppjs), maps the WSDL types so:

- an element is a property of the same name; ``minOccurs="1"`` makes it ``required``;
- a repeated element (``maxOccurs="unbounded"``) is an array of its type under the element's
  name, ``minItems`` its ``minOccurs`` when that is above 0 (``GetConfiguration.key``:
  ``["HeartbeatInterval"]``; ``StopTransaction.transactionData``:
  ``[{"values": [<MeterValue>, ...]}]``);
- ``xs:string``, ``xs:dateTime`` (``format: date-time``), ``xs:anyURI`` (``format: uri``) are
  strings, ``xs:boolean`` a boolean, simple types keep their ``maxLength`` and ``enum``;
- the one element with XML attributes, the 1.5 ``MeterValue``'s repeated ``value`` (text with
  the optional attributes ``context``, ``format``, ``measurand``, ``location``, ``unit``), is the
  array ``"values"`` of objects holding the text under ``"value"`` and each attribute under its
  own name::

      {"timestamp": "2026-01-01T00:00:00Z",
       "values": [{"value": "1250", "unit": "Wh", "measurand": "Energy.Active.Import.Register"}]}

  ``values`` has ``minItems: 1`` and ``value`` is required. (``ocppjs`` also had an older form,
  ``"value": ["1250"], "@value": [{"unit": "Wh"}]``, behind a switch; it is not used here.)

Where ``ocppjs`` is looser than the WSDL, ocpptk's schemas follow the WSDL, so that a payload
valid in JSON is valid in XML too: ``xs:int`` is ``integer`` (``ocppjs``: ``number``); the
attributes keep their enumerations (``ocppjs``: any string); an element without ``minOccurs``
(``MeterValue.timestamp``) is required, as XML schema's default says (``ocppjs`` reads only an
explicit ``minOccurs="1"``); every object is closed (``additionalProperties: false``), which
``ocppjs`` enforces separately with ``PropertyConstraintViolation``.
"""

from __future__ import annotations

from ocpptk.spec import v12
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
from ocpptk.spec.model import (
    Action,
    Array,
    Boolean,
    Direction,
    Enum,
    Field,
    Integer,
    Object,
    String,
)

# The enumerations 1.5 kept as 1.2 had them: same values, same order.
from ocpptk.spec.v12 import (
    AuthorizationStatus,
    AvailabilityStatus,
    AvailabilityType,
    ClearCacheStatus,
    ConfigurationStatus,
    DiagnosticsStatus,
    FirmwareStatus,
    RegistrationStatus,
    RemoteStartStopStatus,
    ResetStatus,
    ResetType,
    UnlockStatus,
)

__all__ = [
    "ACTIONS",
    "EXAMPLE_TIME",
    "WSDL_SHARED_TYPES",
    "AnyUri",
    "AuthorisationData",
    "AuthorizationStatus",
    "AvailabilityStatus",
    "AvailabilityType",
    "CancelReservationStatus",
    "ChargeBoxSerialNumber",
    "ChargePointErrorCode",
    "ChargePointModel",
    "ChargePointSerialNumber",
    "ChargePointStatus",
    "ChargePointVendor",
    "ClearCacheStatus",
    "ConfigurationStatus",
    "DataTransferStatus",
    "DateTime",
    "DiagnosticsStatus",
    "FirmwareStatus",
    "FirmwareVersion",
    "IccidString",
    "IdTagInfo",
    "IdToken",
    "ImsiString",
    "KeyValue",
    "Location",
    "Measurand",
    "MeterSerialNumber",
    "MeterType",
    "MeterValue",
    "MeterValueValue",
    "ReadingContext",
    "RegistrationStatus",
    "RemoteStartStopStatus",
    "ReservationStatus",
    "ResetStatus",
    "ResetType",
    "TransactionData",
    "UnitOfMeasure",
    "UnlockStatus",
    "UpdateStatus",
    "UpdateType",
    "ValueFormat",
]

# -- Simple types (and xs:dateTime, xs:anyURI, plain xs:string from ocpptk.spec.common) ----------

IdToken = String(20, name="IdToken")
ChargeBoxSerialNumber = String(25, name="ChargeBoxSerialNumber")
ChargePointModel = String(20, name="ChargePointModel")
ChargePointSerialNumber = String(25, name="ChargePointSerialNumber")
ChargePointVendor = String(20, name="ChargePointVendor")
FirmwareVersion = String(50, name="FirmwareVersion")
IccidString = String(20, name="IccidString")
ImsiString = String(20, name="ImsiString")
MeterSerialNumber = String(25, name="MeterSerialNumber")
MeterType = String(25, name="MeterType")

# -- Enumerations new or changed in 1.5, values in the WSDL's order -------------------------------

CancelReservationStatus = Enum("CancelReservationStatus", ("Accepted", "Rejected"))
ChargePointErrorCode = Enum(
    "ChargePointErrorCode",
    (
        *("ConnectorLockFailure", "HighTemperature", "Mode3Error", "NoError"),
        *("PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure", "ResetFailure"),
        *("GroundFailure", "OverCurrentFailure", "UnderVoltage", "WeakSignal", "OtherError"),
    ),
)
ChargePointStatus = Enum(
    "ChargePointStatus", ("Available", "Occupied", "Faulted", "Unavailable", "Reserved")
)
DataTransferStatus = Enum(
    "DataTransferStatus", ("Accepted", "Rejected", "UnknownMessageId", "UnknownVendorId")
)
Location = Enum("Location", ("Inlet", "Outlet", "Body"))
Measurand = Enum(
    "Measurand",
    (
        *("Energy.Active.Export.Register", "Energy.Active.Import.Register"),
        *("Energy.Reactive.Export.Register", "Energy.Reactive.Import.Register"),
        *("Energy.Active.Export.Interval", "Energy.Active.Import.Interval"),
        *("Energy.Reactive.Export.Interval", "Energy.Reactive.Import.Interval"),
        *("Power.Active.Export", "Power.Active.Import"),
        *("Power.Reactive.Export", "Power.Reactive.Import"),
        *("Current.Export", "Current.Import", "Voltage", "Temperature"),
    ),
)
ReadingContext = Enum(
    "ReadingContext",
    (
        *("Interruption.Begin", "Interruption.End", "Sample.Clock", "Sample.Periodic"),
        *("Transaction.Begin", "Transaction.End"),
    ),
)
ReservationStatus = Enum(
    "ReservationStatus", ("Accepted", "Faulted", "Occupied", "Rejected", "Unavailable")
)
# 1.5 units: "Amp" and "Volt", not 1.6's "A" and "V"; no "Percent", no Fahrenheit.
UnitOfMeasure = Enum(
    "UnitOfMeasure",
    ("Wh", "kWh", "varh", "kvarh", "W", "kW", "var", "kvar", "Amp", "Volt", "Celsius"),
)
UpdateStatus = Enum(
    "UpdateStatus", ("Accepted", "Failed", "HashError", "NotSupported", "VersionMismatch")
)
UpdateType = Enum("UpdateType", ("Differential", "Full"))
ValueFormat = Enum("ValueFormat", ("Raw", "SignedData"))

# -- Composite types -----------------------------------------------------------------------------

IdTagInfo = Object(
    "IdTagInfo",
    (
        Field("status", AuthorizationStatus, required=True, example="Accepted"),
        Field("expiryDate", DateTime, example=EXAMPLE_TIME),
        Field("parentIdTag", IdToken),
    ),
)

AuthorisationData = Object(
    "AuthorisationData",
    (
        Field("idTag", IdToken, required=True, example="TAG0001"),
        Field("idTagInfo", IdTagInfo),
    ),
)

KeyValue = Object(
    "KeyValue",
    (
        Field("key", TEXT, required=True, example="HeartbeatInterval"),
        Field("readonly", Boolean(), required=True, example=False),
        Field("value", TEXT, example="300"),
    ),
)

# One reading: in XML ``<value unit="Wh">1250</value>``, an anonymous type with simple content;
# in JSON ``{"value": "1250", "unit": "Wh"}``. The WSDL documents the attributes' defaults
# (Sample.Periodic, Raw, Energy.Active.Import.Register, Outlet, Wh) in comments only.
MeterValueValue = Object(
    "MeterValueValue",
    (
        Field("value", TEXT, required=True, example="0", xml_node="text"),
        Field("context", ReadingContext, example="Sample.Periodic", xml_node="attribute"),
        Field("format", ValueFormat, example="Raw", xml_node="attribute"),
        Field(
            "measurand", Measurand, example="Energy.Active.Import.Register", xml_node="attribute"
        ),
        Field("location", Location, example="Outlet", xml_node="attribute"),
        Field("unit", UnitOfMeasure, example="Wh", xml_node="attribute"),
    ),
    xml_anonymous=True,
)

MeterValue = Object(
    "MeterValue",
    (
        # No minOccurs/maxOccurs in the WSDL: XML schema's default, exactly once.
        Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
        Field("values", Array(MeterValueValue, min_items=1), required=True, xml_name="value"),
    ),
)

TransactionData = Object("TransactionData", (Field("values", Array(MeterValue)),))

# Both OCA WSDLs open with this block of "types shared with" the other service.
WSDL_SHARED_TYPES = (IdToken, AuthorizationStatus, IdTagInfo)

# -- Actions -------------------------------------------------------------------------------------

_ID_TAG = Field("idTag", IdToken, required=True, example="TAG0001")
_ID_TAG_INFO = Field("idTagInfo", IdTagInfo, required=True)
_LOCAL_LIST = "LocalAuthListManagement"
_RESERVATION = "Reservation"
# The actions 1.5 kept as 1.2 had them (payloads, direction, profile and doc), listed by name below.
_AS_IN_1_2 = {act.name: act for act in v12.ACTIONS}

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
            Field("chargePointVendor", ChargePointVendor, required=True, example="ocpptk"),
            Field("chargePointModel", ChargePointModel, required=True, example="Simulator"),
            Field("chargePointSerialNumber", ChargePointSerialNumber, example="SIM-0001"),
            Field("chargeBoxSerialNumber", ChargeBoxSerialNumber),
            Field("firmwareVersion", FirmwareVersion, example="0.1.0"),
            Field("iccid", IccidString),
            Field("imsi", ImsiString),
            Field("meterType", MeterType),
            Field("meterSerialNumber", MeterSerialNumber),
        ),
        conf(
            "BootNotification",
            status(RegistrationStatus),
            Field("currentTime", DateTime, required=True, example=EXAMPLE_TIME),
            Field("heartbeatInterval", Integer(), required=True, example=300),
        ),
        doc="Announce the charge point after a (re)boot and learn the heartbeat interval.",
    ),
    Action(
        "CancelReservation",
        CS_TO_CP,
        req("CancelReservation", Field("reservationId", Integer(), required=True, example=1)),
        conf("CancelReservation", status(CancelReservationStatus)),
        profile=_RESERVATION,
        doc="Cancel a reservation made with ReserveNow.",
    ),
    _AS_IN_1_2["ChangeAvailability"],
    _AS_IN_1_2["ChangeConfiguration"],
    _AS_IN_1_2["ClearCache"],
    Action(
        "DataTransfer",
        Direction.BOTH,
        req(
            "DataTransfer",
            Field("vendorId", TEXT, required=True, example="ocpptk"),
            Field("messageId", TEXT, example="Echo"),
            Field("data", TEXT, example="hello"),
        ),
        conf("DataTransfer", status(DataTransferStatus), Field("data", TEXT)),
        doc="Vendor-specific data, in either direction; ``data`` is free-form.",
    ),
    _AS_IN_1_2["DiagnosticsStatusNotification"],
    _AS_IN_1_2["FirmwareStatusNotification"],
    Action(
        "GetConfiguration",
        CS_TO_CP,
        req("GetConfiguration", Field("key", Array(TEXT), example=("HeartbeatInterval",))),
        conf(
            "GetConfiguration",
            Field("configurationKey", Array(KeyValue)),
            Field("unknownKey", Array(TEXT)),
        ),
        doc="Read configuration keys; no key means all of them.",
    ),
    _AS_IN_1_2["GetDiagnostics"],
    Action(
        "GetLocalListVersion",
        CS_TO_CP,
        req("GetLocalListVersion"),
        conf("GetLocalListVersion", Field("listVersion", Integer(), required=True, example=0)),
        profile=_LOCAL_LIST,
        doc="Ask for the version of the local authorization list.",
    ),
    _AS_IN_1_2["Heartbeat"],
    Action(
        "MeterValues",
        CP_TO_CS,
        req(
            "MeterValues",
            CONNECTOR_ID,
            Field("transactionId", Integer(), example=1),
            Field("values", Array(MeterValue)),  # optional: no values is a valid MeterValues
        ),
        conf("MeterValues"),
        doc="Send sampled meter values, in or outside a transaction.",
    ),
    Action(
        "RemoteStartTransaction",
        CS_TO_CP,
        req("RemoteStartTransaction", _ID_TAG, Field("connectorId", Integer(), example=1)),
        conf("RemoteStartTransaction", status(RemoteStartStopStatus)),
        doc="Ask the charge point to start a transaction for an identifier.",
    ),
    _AS_IN_1_2["RemoteStopTransaction"],
    Action(
        "ReserveNow",
        CS_TO_CP,
        req(
            "ReserveNow",
            CONNECTOR_ID,
            Field("expiryDate", DateTime, required=True, example=EXAMPLE_TIME),
            _ID_TAG,
            Field("parentIdTag", IdToken),
            Field("reservationId", Integer(), required=True, example=1),
        ),
        conf("ReserveNow", status(ReservationStatus)),
        profile=_RESERVATION,
        doc="Reserve a connector for an identifier until a given time.",
    ),
    _AS_IN_1_2["Reset"],
    Action(
        "SendLocalList",
        CS_TO_CP,
        req(
            "SendLocalList",
            Field("updateType", UpdateType, required=True, example="Full"),
            Field("listVersion", Integer(), required=True, example=1),
            Field("localAuthorisationList", Array(AuthorisationData)),
            Field("hash", TEXT),
        ),
        conf("SendLocalList", status(UpdateStatus), Field("hash", TEXT)),
        profile=_LOCAL_LIST,
        doc="Replace or update the local authorization list; ``hash`` may check the result.",
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
            Field("reservationId", Integer()),
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
            Field("info", TEXT),
            Field("timestamp", DateTime, example=EXAMPLE_TIME),
            Field("vendorId", TEXT),
            Field("vendorErrorCode", TEXT),
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
            Field("idTag", IdToken, example="TAG0001"),
            Field("timestamp", DateTime, required=True, example=EXAMPLE_TIME),
            Field("meterStop", Integer(), required=True, example=0),
            Field("transactionData", Array(TransactionData)),
        ),
        conf("StopTransaction", Field("idTagInfo", IdTagInfo)),
        doc="Report that a transaction stopped, with the final meter value and readings.",
    ),
    _AS_IN_1_2["UnlockConnector"],
    _AS_IN_1_2["UpdateFirmware"],
)
