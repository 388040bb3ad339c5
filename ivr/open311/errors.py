"""Why an Open311 request cannot be served, named; the blueprint alone maps them to HTTP statuses."""

from __future__ import annotations


class Open311Error(Exception):
    """Base: carries one or more sentences for the client (the spec's error descriptions)."""

    def __init__(self, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.descriptions = descriptions


class MissingApiKey(Open311Error):
    """POST requests needs an api_key and none was sent."""


class InvalidApiKey(Open311Error):
    """The api_key sent is not one the city issued."""


class UnknownService(Open311Error):
    """No active service has this service_code."""


class UnknownServiceRequest(Open311Error):
    """No case has this reference (or the reference is not a CityLine one)."""


class UnknownToken(Open311Error):
    """Tokens are only issued for batch services, and every CityLine service is realtime."""


class UnknownResource(Open311Error):
    """A path under the API that names no resource, or a format other than json and xml."""


class InvalidQuery(Open311Error):
    """A filter, a date or a page value the client must correct."""


class InvalidRequest(Open311Error):
    """A POST whose fields break the rules (missing location, bad attribute value, ...)."""


class IdempotencyKeyReused(Open311Error):
    """The Idempotency-Key was already used by this client for a different request."""


class ServiceUnavailable(Open311Error):
    """Case references cannot be issued right now (Redis unreachable); the client should retry."""
