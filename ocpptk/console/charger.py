"""Console commands for what happens at the charger: sessions, cables, faults, and the short
session commands for people who think in sessions rather than in messages.

``charge``, ``stop-charge``, ``plug``, ``unplug``, ``suspend-ev``, ``suspend-evse``, ``resume``,
``fault``, ``clear-fault`` and ``power-loss`` act on the simulator (``ChargePointSim``); the
messages they cause are sent by the charge point's driver and shown as frames. ``boot``,
``start``, ``stop``, ``meter`` and ``status C STATUS`` send one message each and print the
answer, as the generated action commands do (``authorize TAG`` is ``authorize idTag=TAG``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cmd2 import CommandSet, with_argparser

from ocpptk.console.actions import send_from
from ocpptk.console.errors import ConsoleError
from ocpptk.console.parsers import OneLineParser
from ocpptk.sim.clock import format_timestamp
from ocpptk.sim.connector import IllegalTransition
from ocpptk.sim.session import SessionError
from ocpptk.spec import v16
from ocpptk.transport.charge_point import ChargePoint

if TYPE_CHECKING:
    from ocpptk.console.app import OcppConsole

__all__ = ["ChargerCommands", "set_connector_status"]

ENERGY = "Energy.Active.Import.Register"


def _positive(kind: type[int] | type[float], what: str) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"{text!r} is negative")
        return value

    return convert


_CONNECTOR = _positive(int, "a connector number")
_NUMBER = _positive(float, "a number")
_WHOLE = _positive(int, "a whole number")


def _parser(name: str, description: str, *, connector: bool = True) -> OneLineParser:
    parser = OneLineParser(prog=name, description=description)
    if connector:
        parser.add_argument("connector", type=_CONNECTOR, metavar="CONNECTOR")
    parser.add_argument("--id", help="which charge point (when several run here)")
    return parser


_charge = _parser(
    "charge",
    "A driver plugs in at CONNECTOR and charges: Authorize (or the local list / cache), "
    "Preparing, StartTransaction, Charging, MeterValues every interval, then StopTransaction, "
    "Finishing, Available. It ends after --duration, at --soc-end, when the battery is full, "
    "or with stop-charge or a RemoteStopTransaction.",
)
_charge.add_argument("id_tag", nargs="?", metavar="IDTAG", help="the driver's tag")
_charge.add_argument("--duration", type=_NUMBER, metavar="S", help="seconds of charging")
_charge.add_argument("--power", type=_NUMBER, metavar="W", help="what the car takes at most")
_charge.add_argument(
    "--interval", type=_WHOLE, metavar="S", help="seconds between MeterValues (default: the key)"
)
_charge.add_argument("--soc-start", type=_NUMBER, metavar="%", help="the battery's SoC at first")
_charge.add_argument("--soc-end", type=_NUMBER, metavar="%", help="stop at this SoC")
_charge.add_argument("--battery", type=_NUMBER, metavar="WH", help="the battery's capacity")

_stop_charge = _parser("stop-charge", "The driver ends the session at CONNECTOR.")
_stop_charge.add_argument(
    "--reason", default="Local", choices=v16.Reason.values, help="StopTransaction reason"
)
_plug = _parser("plug", "A cable goes in at CONNECTOR (Preparing).")
_unplug = _parser(
    "unplug",
    "The cable comes out at CONNECTOR: a transaction stops (EVDisconnected) if "
    "StopTransactionOnEVSideDisconnect, the connector goes Available.",
)
_suspend_ev = _parser("suspend-ev", "The car stops taking energy at CONNECTOR (SuspendedEV).")
_suspend_evse = _parser(
    "suspend-evse", "The charger stops offering energy at CONNECTOR (SuspendedEVSE)."
)
_resume = _parser("resume", "Energy flows again at CONNECTOR (Charging).")
_fault = _parser(
    "fault",
    "CONNECTOR (0: the whole charge point) fails: Faulted with ERRORCODE, and a running "
    "transaction stops (reason Other).",
)
_fault.add_argument(
    "error_code",
    metavar="ERRORCODE",
    nargs="?",
    default="OtherError",
    choices=[code for code in v16.ChargePointErrorCode.values if code != "NoError"],
    help="a ChargePointErrorCode (default OtherError)",
)
_clear_fault = _parser("clear-fault", "The fault at CONNECTOR is repaired (Available).")
_power_loss = _parser(
    "power-loss",
    "The power goes: transactions stop (reason PowerLoss), the charge point is offline for a "
    "moment, reconnects and boots; the stops are delivered after the boot.",
    connector=False,
)
_boot = _parser("boot", "Send BootNotification and print the answer.", connector=False)
_start = _parser("start", "Send StartTransaction for CONNECTOR and print the answer.")
_start.add_argument("id_tag", metavar="TAG")
_start.add_argument("meter_start", type=_WHOLE, metavar="METER", help="meterStart, Wh")
_stop = _parser("stop", "Send StopTransaction and print the answer.", connector=False)
_stop.add_argument("transaction_id", type=int, metavar="TX")
_stop.add_argument("meter_stop", type=_WHOLE, metavar="METER", help="meterStop, Wh")
_stop.add_argument("--reason", choices=v16.Reason.values, help="StopTransaction reason")
_meter = _parser(
    "meter", "Send MeterValues of CONNECTOR for transaction TX: the register and the power."
)
_meter.add_argument("transaction_id", type=int, metavar="TX")
_meter.add_argument("energy_wh", type=_WHOLE, metavar="WH", help="the energy register, Wh")
_meter.add_argument("power_w", type=_NUMBER, metavar="W", help="the power, W")


def set_connector_status(app: OcppConsole, words: list[str], target: str | None) -> None:
    """``status C STATUS [ERROR]``: put the connector in STATUS if the transition table allows
    it (one line naming what is allowed if not); its StatusNotification follows."""
    if len(words) not in (2, 3):
        raise ConsoleError("usage: status CONNECTOR STATUS [ERRORCODE] (or status [-v])")
    try:
        connector = int(words[0])
    except ValueError:
        raise ConsoleError(f"{words[0]!r} is not a connector number") from None
    error = words[2] if len(words) == 3 else "NoError"
    cp = app.charge_point(target)
    _act(app, cp, lambda: cp.sim.set_status(connector, words[1], error))


def _act(app: OcppConsole, cp: ChargePoint, action: Callable[[], Any]) -> Any:
    """Run ``action`` on the simulator, on the loop thread; its errors as one line."""

    def run() -> Any:
        try:
            return action()
        finally:
            cp.poke()

    try:
        return app.in_loop(run)
    except (SessionError, IllegalTransition) as exc:
        raise ConsoleError(str(exc)) from None


class ChargerCommands(CommandSet["OcppConsole"]):
    """Sessions, cables and faults at the charger; short session commands."""

    DEFAULT_CATEGORY = "Charge point: at the charger"

    def _cp(self, args: Any) -> ChargePoint:
        return self._cmd.charge_point(args.id)

    def _on(self, args: Any, action: Callable[[ChargePoint], Any]) -> Any:
        cp = self._cp(args)
        return _act(self._cmd, cp, lambda: action(cp))

    @with_argparser(_charge)
    def do_charge(self, args: Any) -> None:
        """Run an automated charging session (see help charge)."""

        def start(cp: ChargePoint) -> str:
            session = cp.sim.charge(
                args.connector,
                args.id_tag,
                duration_s=args.duration,
                power_w=args.power,
                interval_s=args.interval,
                soc_start=args.soc_start,
                soc_end=args.soc_end,
                battery_wh=args.battery,
            )
            # Read here, on the loop: a moment later the answers may have moved it on.
            return f"connector {args.connector}: session for {session.id_tag} ({session.stage})"

        self._cmd.say(self._on(args, start))

    def _stop_charge(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.stop_charge(args.connector, args.reason))

    def _plug(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.plug_in(args.connector))

    def _unplug(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.unplug(args.connector))

    def _suspend_ev(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.suspend_ev(args.connector))

    def _suspend_evse(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.suspend_evse(args.connector))

    def _resume(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.resume(args.connector))

    def _fault(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.fault(args.connector, args.error_code))

    def _clear_fault(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.clear_fault(args.connector))

    def _power_loss(self, args: Any) -> None:
        self._on(args, lambda cp: cp.sim.power_loss())

    # -- short session commands: one message each ----------------------------------------------

    def _send(self, args: Any, action: str, fields: dict[str, Any] | None = None) -> None:
        cp = self._cp(args)
        if cp.link is None or not cp.connected:
            raise ConsoleError(f"charge point {cp.charge_point_id} is not connected")
        send_from(self._cmd, cp, action, fields or {})

    @with_argparser(_boot)
    def do_boot(self, args: Any) -> None:
        """Send BootNotification (the charge point's identity) and print the answer."""
        self._send(args, "BootNotification")

    @with_argparser(_start)
    def do_start(self, args: Any) -> None:
        """start CONNECTOR TAG METER: send StartTransaction and print the answer."""
        self._send(
            args,
            "StartTransaction",
            {"connectorId": args.connector, "idTag": args.id_tag, "meterStart": args.meter_start},
        )

    @with_argparser(_stop)
    def do_stop(self, args: Any) -> None:
        """stop TX METER: send StopTransaction and print the answer."""
        fields: dict[str, Any] = {
            "transactionId": args.transaction_id,
            "meterStop": args.meter_stop,
        }
        if args.reason:
            fields["reason"] = args.reason
        self._send(args, "StopTransaction", fields)

    @with_argparser(_meter)
    def do_meter(self, args: Any) -> None:
        """meter CONNECTOR TX WH W: send MeterValues (register and power) and print the answer."""
        cp = self._cp(args)
        stamp = format_timestamp(cp.sim.now())
        samples = [
            {"value": str(args.energy_wh), "measurand": ENERGY, "unit": "Wh"},
            {"value": f"{args.power_w:g}", "measurand": "Power.Active.Import", "unit": "W"},
        ]
        speech = cp.sim.speech
        payload = {
            "connectorId": args.connector,
            "transactionId": args.transaction_id,
            speech.meter_value: [speech.reading(stamp, args.energy_wh, samples)],
        }
        self._send(args, "MeterValues", payload)


def _hyphenated(name: str, parser: OneLineParser, method: Callable[..., None]) -> None:
    """Register ``method`` as the console command ``name`` (which has a hyphen, so it cannot
    be a ``do_`` method's name) with ``parser`` for its arguments."""

    def command(self: ChargerCommands, args: Any) -> None:
        method(self, args)

    command.__name__ = f"do_{name}"
    command.__qualname__ = f"ChargerCommands.do_{name}"
    command.__doc__ = str(parser.description or "")
    setattr(ChargerCommands, f"do_{name}", with_argparser(parser)(command))


for _name, _parser_of, _method in (
    ("stop-charge", _stop_charge, ChargerCommands._stop_charge),
    ("plug", _plug, ChargerCommands._plug),
    ("unplug", _unplug, ChargerCommands._unplug),
    ("suspend-ev", _suspend_ev, ChargerCommands._suspend_ev),
    ("suspend-evse", _suspend_evse, ChargerCommands._suspend_evse),
    ("resume", _resume, ChargerCommands._resume),
    ("fault", _fault, ChargerCommands._fault),
    ("clear-fault", _clear_fault, ChargerCommands._clear_fault),
    ("power-loss", _power_loss, ChargerCommands._power_loss),
):
    _hyphenated(_name, _parser_of, _method)
