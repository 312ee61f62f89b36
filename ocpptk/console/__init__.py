"""The ocpptk console: a cmd2 application running a central system and charge points.

``OcppConsole`` is the application; ``ocpptk.cli`` starts it. Commands are grouped in cmd2
command sets, one per side (``central_system``, ``charge_point``), plus the OCPP actions
generated from the message model (``actions``).
"""

from __future__ import annotations

from ocpptk.console.app import OcppConsole
from ocpptk.console.errors import ConsoleError

__all__ = ["ConsoleError", "OcppConsole"]
