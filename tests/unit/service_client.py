"""A service's API in process (TestClient), for the unit tests of the HTTP layers."""

from typing import Any

from fastapi.testclient import TestClient


class Api:
    def __init__(self, client: TestClient, app: Any, headers: dict[str, str]) -> None:
        self.client, self.app, self.headers = client, app, headers

    def post(self, path: str, body: object, headers: dict[str, str] | None = None) -> Any:
        """`body` as JSON, or a str sent as it is (to send malformed JSON)."""
        headers = headers if headers is not None else self.headers
        if isinstance(body, str):
            headers = {**headers, "content-type": "application/json"}
            return self.client.post(path, content=body, headers=headers)
        return self.client.post(path, json=body, headers=headers)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.get(path, headers=headers if headers is not None else self.headers)

    def stored(self) -> int:
        """How many events the service's event store holds."""
        return self.app.recorder.max_notification_id() or 0  # type: ignore[no-any-return]
