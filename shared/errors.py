"""Domain error kinds every service maps to HTTP in the same way."""


class DomainError(Exception):
    """A rule of the programme was broken by the command (HTTP 422)."""

    status_code = 422


class Conflict(DomainError):
    """The command conflicts with the current state (HTTP 409)."""

    status_code = 409


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Unauthorized(DomainError):
    """No token, or one that cannot be trusted (HTTP 401)."""

    status_code = 401


class PayloadTooLarge(DomainError):
    """The request body is larger than the service takes (HTTP 413)."""

    status_code = 413
