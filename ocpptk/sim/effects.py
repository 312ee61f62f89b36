"""What a simulated charge point asks its driver to do in the world, since it does no I/O itself.

``ChargePointSim.effects()`` drains them; the driver carries each out and reports back:

- ``Reboot``: drop the connection, wait ``delay`` seconds, connect again, then call
  ``rebooted()`` and ``connected()`` (the charge point boots on its own).
- ``Upload``: put ``content`` as ``file_name`` at ``location`` (GetDiagnostics), then call
  ``upload_finished(error)`` with None on success or a one-line reason.
- ``Download``: fetch ``location`` (UpdateFirmware), then call ``download_finished(size, error)``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Download", "Effect", "Reboot", "Upload"]


@dataclass(frozen=True)
class Reboot:
    kind: str  # "Hard" or "Soft" (Reset.req), "Firmware" after an update, or "PowerLoss"
    delay: float  # seconds with no connection, as a charger takes to restart


@dataclass(frozen=True)
class Upload:
    location: str
    file_name: str
    content: bytes


@dataclass(frozen=True)
class Download:
    location: str


Effect = Reboot | Upload | Download
