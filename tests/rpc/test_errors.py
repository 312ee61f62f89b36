"""The error table: one class per code, per-version spellings."""

from ocpptk.rpc import errors
from ocpptk.spec.catalog import Version


def test_versions_spell_codes_differently() -> None:
    assert errors.FormatViolation().code(Version.V16) == "FormationViolation"
    assert errors.FormatViolation().code(Version.V201) == "FormatViolation"
    assert errors.OccurrenceConstraintViolation().code(Version.V16) == (
        "OccurenceConstraintViolation"
    )
    assert errors.OccurrenceConstraintViolation().code(Version.V201) == (
        "OccurrenceConstraintViolation"
    )
    assert errors.NotImplementedError_().code(Version.V15) == "NotImplemented"


def test_codes_a_version_lacks_fall_back_to_generic_error() -> None:
    assert errors.RpcFrameworkError().code(Version.V16) == "GenericError"
    assert errors.MessageTypeNotSupported().code(Version.V201) == "MessageTypeNotSupported"


def test_every_spelling_finds_its_class() -> None:
    for key, spellings in errors.ERROR_CODES.items():
        for version, spelling in spellings.items():
            if spelling is None:
                continue
            found = errors.error_class(spelling, version)
            assert found is not None and found.key == key, spelling


def test_received_errors_keep_the_wire_code() -> None:
    error = errors.error_for("OccurrenceConstraintViolation", "x", {"a": 1}, Version.V16)
    assert isinstance(error, errors.OccurrenceConstraintViolation)
    assert error.received_code == "OccurrenceConstraintViolation"
    assert error.details == {"a": 1}
    unknown = errors.error_for("MadeUpError", "y")
    assert type(unknown) is errors.GenericError
    assert unknown.received_code == "MadeUpError"
