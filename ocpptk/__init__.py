"""ocpptk: simulate either end of an OCPP link, over OCPP-J (WebSocket) or SOAP."""

__version__ = "0.1.0"
__all__ = ["__version__"]
