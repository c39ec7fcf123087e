"""Errors of the readiness model, children of the project's :class:`InputError` family.

pydantic's ``ValidationError`` is translated here, where the readiness records use
pydantic, so no caller ever sees a foreign exception for a bad questionnaire value.
"""

from __future__ import annotations

from hrv_readiness.errors import InputError


class ReadinessInputError(InputError):
    """Something handed to the readiness model is unusable."""


class InvalidRecordError(ReadinessInputError):
    """A reading, questionnaire or training entry has an invalid or missing field.

    ``record`` is the record's class name, ``field`` the first bad field and
    ``problem`` what is wrong with it (pydantic's wording, without the record).
    """

    def __init__(self, message: str, *, record: str, field: str, problem: str) -> None:
        super().__init__(message)
        self.record = record
        self.field = field
        self.problem = problem


class AssessmentInputError(ReadinessInputError):
    """The inputs of :func:`hrv_readiness.readiness.assess` contradict each other."""
