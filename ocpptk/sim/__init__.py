"""Charge point and central system behaviour for OCPP 1.2, 1.5 and 1.6, unaware of any transport.

Both simulators are sans-I/O: the transport feeds them CALLs and CALLRESULTs and sends what they
return; the charge point also queues CALLs of its own, drained with ``ChargePointSim.outbox()``.
Time comes from an injected ``now`` callable; what should happen later is a named timer the
driver runs (``tick``), and what the charge point needs done in the world (a reboot, an upload,
a download) is an effect the driver carries out (``effects``). They think in OCPP 1.6;
``Dialect`` says what 1.2 and 1.5 call things differently (``DIALECTS``, one per version). A
charge point simulator speaks one version; the central system simulator answers each charge
point in its own (``connected(cp_id, version)``).
"""

from ocpptk.sim.central_system import (
    BootInfo,
    CentralSystemSim,
    ChargePointState,
    ConnectorState,
    TransactionRecord,
)
from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.sim.charging import Electrical, ProfileStore, StoredProfile
from ocpptk.sim.clock import Clock, FastClock, format_timestamp, parse_timestamp, utc_now
from ocpptk.sim.config import ConfigKey, Configuration, ValueKind
from ocpptk.sim.connector import (
    TRANSITIONS,
    Connector,
    ConnectorEvent,
    ConnectorStatus,
    IllegalTransition,
    Reservation,
    Transaction,
    reachable,
)
from ocpptk.sim.data_transfer import DataTransferHandler, VendorRegistry
from ocpptk.sim.dialect import (
    CP_TO_CS_V12,
    CP_TO_CS_V15,
    CP_TO_CS_V16,
    CS_TO_CP_V12,
    CS_TO_CP_V15,
    CS_TO_CP_V16,
    DIALECTS,
    Dialect,
    dialect,
)
from ocpptk.sim.dispatch import Payload
from ocpptk.sim.effects import Download, Effect, Reboot, Upload
from ocpptk.sim.meter import EvBattery, MeterModel
from ocpptk.sim.session import (
    ChargingSession,
    ConnectorHardware,
    Hardware,
    SessionError,
    Sessions,
)
from ocpptk.sim.timers import Timers
from ocpptk.sim.transaction_queue import QueuedMessage, QueueStore, TransactionQueue

__all__ = [
    "CP_TO_CS_V12",
    "CP_TO_CS_V15",
    "CP_TO_CS_V16",
    "CS_TO_CP_V12",
    "CS_TO_CP_V15",
    "CS_TO_CP_V16",
    "DIALECTS",
    "TRANSITIONS",
    "BootInfo",
    "CentralSystemSim",
    "ChargePointSim",
    "ChargePointState",
    "ChargingSession",
    "Clock",
    "ConfigKey",
    "Configuration",
    "Connector",
    "ConnectorEvent",
    "ConnectorHardware",
    "ConnectorState",
    "ConnectorStatus",
    "DataTransferHandler",
    "Dialect",
    "Download",
    "Effect",
    "Electrical",
    "EvBattery",
    "FastClock",
    "Hardware",
    "IllegalTransition",
    "MeterModel",
    "Payload",
    "ProfileStore",
    "QueueStore",
    "QueuedMessage",
    "Reboot",
    "Reservation",
    "SessionError",
    "Sessions",
    "StoredProfile",
    "Timers",
    "Transaction",
    "TransactionQueue",
    "TransactionRecord",
    "Upload",
    "ValueKind",
    "VendorRegistry",
    "dialect",
    "format_timestamp",
    "parse_timestamp",
    "reachable",
    "utc_now",
]
