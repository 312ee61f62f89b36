"""Charging profiles a charge point holds (OCPP 1.6 section 3.13, Smart Charging).

Kept simple on purpose: profiles are stored as received, replaced by id or by
(connector, purpose, stack level), cleared by the ClearChargingProfile criteria, and
``ProfileStore.effective`` picks the one profile that governs a connector. A real composite
schedule (merging stack levels, limits over time, recurrence) is future work; its place is here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ocpptk.sim.dispatch import Payload

__all__ = ["ProfileStore", "StoredProfile"]

# Which profiles govern a connector, most specific first (section 3.13.2, "Stacking"):
# a TxProfile overrides a TxDefaultProfile; a TxDefaultProfile on connector 0 applies to all.
_PRECEDENCE_CONNECTOR: tuple[tuple[str, bool], ...] = (
    ("TxProfile", False),  # (purpose, on connector 0)
    ("TxDefaultProfile", False),
    ("TxDefaultProfile", True),
)
_PRECEDENCE_WHOLE: tuple[tuple[str, bool], ...] = (
    ("ChargePointMaxProfile", True),
    ("TxDefaultProfile", True),
)


@dataclass(eq=False)  # identity: two installs of the same payload are two profiles
class StoredProfile:
    connector_id: int
    profile: Payload  # csChargingProfiles, as received

    @property
    def profile_id(self) -> int:
        return int(self.profile["chargingProfileId"])

    @property
    def purpose(self) -> str:
        return str(self.profile["chargingProfilePurpose"])

    @property
    def stack_level(self) -> int:
        return int(self.profile["stackLevel"])

    def matches(self, criteria: Payload) -> bool:
        """ClearChargingProfile (section 5.5): ``id`` alone, else every criterion given."""
        if criteria.get("id") is not None:
            return bool(self.profile_id == criteria["id"])
        wanted: dict[str, Any] = {
            "connectorId": self.connector_id,
            "chargingProfilePurpose": self.purpose,
            "stackLevel": self.stack_level,
        }
        return all(
            bool(criteria[name] == value) for name, value in wanted.items() if name in criteria
        )


class ProfileStore:
    """The charging profiles installed on a charge point."""

    def __init__(self) -> None:
        self._profiles: list[StoredProfile] = []

    def __iter__(self) -> Iterator[StoredProfile]:
        return iter(self._profiles)

    def __len__(self) -> int:
        return len(self._profiles)

    def replaced_by(self, connector_id: int, profile: Payload) -> list[StoredProfile]:
        """The profiles that installing ``profile`` replaces: same id, or same connector,
        purpose and stack level (section 5.16.2)."""
        new = StoredProfile(connector_id, profile)
        return [
            old
            for old in self._profiles
            if old.profile_id == new.profile_id
            or (old.connector_id, old.purpose, old.stack_level)
            == (new.connector_id, new.purpose, new.stack_level)
        ]

    def install(self, connector_id: int, profile: Payload) -> None:
        for old in self.replaced_by(connector_id, profile):
            self._profiles.remove(old)
        self._profiles.append(StoredProfile(connector_id, profile))

    def clear(self, criteria: Payload) -> list[StoredProfile]:
        """Remove the profiles matching ClearChargingProfile ``criteria``; the removed ones."""
        kept: list[StoredProfile] = []
        removed: list[StoredProfile] = []
        for stored in self._profiles:
            (removed if stored.matches(criteria) else kept).append(stored)
        self._profiles = kept
        return removed

    def effective(self, connector_id: int) -> StoredProfile | None:
        """The profile that governs ``connector_id`` (0: the whole charge point): the most
        specific purpose present, and within it the highest stack level."""
        order = _PRECEDENCE_WHOLE if connector_id == 0 else _PRECEDENCE_CONNECTOR
        for purpose, whole in order:
            where = 0 if whole else connector_id
            found = [p for p in self._profiles if p.purpose == purpose and p.connector_id == where]
            if found:
                return max(found, key=lambda stored: stored.stack_level)
        return None
