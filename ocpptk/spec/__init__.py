"""What OCPP says: versions, actions and their directions, the message model, schemas."""

from ocpptk.spec.catalog import Direction, Role, Version, action, actions

__all__ = ["Direction", "Role", "Version", "action", "actions"]
