"""Charge point and central system behaviour for OCPP 1.2, 1.5 and 1.6, unaware of any transport.

Both simulators are sans-I/O: the transport feeds them CALLs and CALLRESULTs and sends what they
return; the charge point also queues CALLs of its own, drained with ``ChargePointSim.outbox()``.
Time comes from an injected ``now`` callable. They think in OCPP 1.6; ``Dialect`` says what
1.2 and 1.5 call things differently (``DIALECTS``, one per version). A charge point simulator
speaks one version; the central system simulator answers each charge point in its own
(``connected(cp_id, version)``).
"""

from ocpptk.sim.central_system import (
    BootInfo,
    CentralSystemSim,
    ChargePointState,
    ConnectorState,
    TransactionRecord,
)
from ocpptk.sim.charge_point import ChargePointSim
from ocpptk.sim.charging import ProfileStore, StoredProfile
from ocpptk.sim.clock import Clock, format_timestamp, parse_timestamp, utc_now
from ocpptk.sim.config import ConfigKey, Configuration, ValueKind
from ocpptk.sim.connector import (
    TRANSITIONS,
    Connector,
    ConnectorEvent,
    ConnectorStatus,
    IllegalTransition,
    Reservation,
    Transaction,
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
    "Clock",
    "ConfigKey",
    "Configuration",
    "Connector",
    "ConnectorEvent",
    "ConnectorState",
    "ConnectorStatus",
    "DataTransferHandler",
    "Dialect",
    "IllegalTransition",
    "Payload",
    "ProfileStore",
    "Reservation",
    "StoredProfile",
    "Transaction",
    "TransactionRecord",
    "ValueKind",
    "VendorRegistry",
    "dialect",
    "format_timestamp",
    "parse_timestamp",
    "utc_now",
]
