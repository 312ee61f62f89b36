"""Benchmarks of ocpptk against raw websockets and the mobilityhouse ocpp library."""
