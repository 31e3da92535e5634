"""Personal data in an append-only store: crypto-shredding.

A natural person's name (Art. 49(3)(b) CPR: to be removed after two years) is never
written into an event in plain text. It is sealed with a key of its own (AES-256-GCM);
the event keeps only the key's id and the ciphertext, the key lives in a table that can
be deleted from. Erasing the key makes the name unreadable everywhere the event went:
the event store, its snapshots and caches, any replay, any backup of the events.
"""

import base64
import os
import threading
from typing import Protocol, TypedDict
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg_pool import ConnectionPool

TABLE = """
CREATE TABLE IF NOT EXISTS personal_data_keys (
    key_id     uuid PRIMARY KEY,
    key        bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


class Sealed(TypedDict):
    """What an event keeps of a person's data: which key, and the ciphertext."""

    key_id: str
    ciphertext: str  # base64 of nonce (12 bytes) + AES-GCM ciphertext and tag


class KeyStore(Protocol):
    def add(self, key_id: UUID, key: bytes) -> None: ...
    def get(self, key_id: UUID) -> bytes | None: ...
    def delete(self, key_id: UUID) -> bool: ...


class InMemoryKeys:
    """For the in-memory (POPO) event store of the unit tests."""

    def __init__(self) -> None:
        self._keys: dict[UUID, bytes] = {}
        self._lock = threading.Lock()

    def add(self, key_id: UUID, key: bytes) -> None:
        with self._lock:
            self._keys[key_id] = key

    def get(self, key_id: UUID) -> bytes | None:
        return self._keys.get(key_id)

    def delete(self, key_id: UUID) -> bool:
        with self._lock:
            return self._keys.pop(key_id, None) is not None


class PostgresKeys:
    """The keys in the service's own PostgreSQL database, next to its event store."""

    def __init__(self, conninfo: str, *, create_table: bool = True) -> None:
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=4, open=True)
        if create_table:  # else the owner made it (migrate)
            with self._pool.connection() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('personal_data_keys'))")
                conn.execute(TABLE)

    def add(self, key_id: UUID, key: bytes) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO personal_data_keys (key_id, key) VALUES (%s, %s)", (key_id, key)
            )

    def get(self, key_id: UUID) -> bytes | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT key FROM personal_data_keys WHERE key_id = %s", (key_id,)
            ).fetchone()
        return bytes(row[0]) if row else None

    def delete(self, key_id: UUID) -> bool:
        with self._pool.connection() as conn:
            cur = conn.execute("DELETE FROM personal_data_keys WHERE key_id = %s", (key_id,))
            return cur.rowcount == 1

    def close(self) -> None:
        self._pool.close()


class Vault:
    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys

    def seal(self, plaintext: str) -> Sealed:
        """A new key for this person's data (stored before the event that uses it)."""
        key_id, key = uuid4(), AESGCM.generate_key(bit_length=256)
        self.keys.add(key_id, key)
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(nonce, plaintext.encode(), key_id.bytes)
        return Sealed(key_id=str(key_id), ciphertext=base64.b64encode(nonce + ciphertext).decode())

    def open(self, sealed: Sealed) -> str | None:
        """The plaintext, or None once the key is erased."""
        key_id = UUID(sealed["key_id"])
        key = self.keys.get(key_id)
        if key is None:
            return None
        raw = base64.b64decode(sealed["ciphertext"])
        return AESGCM(key).decrypt(raw[:12], raw[12:], key_id.bytes).decode()

    def erase(self, sealed: Sealed) -> bool:
        """Delete the key: the data it sealed can never be read again."""
        return self.keys.delete(UUID(sealed["key_id"]))
