"""Anonymous tips: rate-limited without keeping any address.

The limit counts tips per sender in the site's cache under a key that is an HMAC of the
sender's address with a random salt that lives only in this process's memory and is
replaced every :data:`WINDOW_SECONDS`. Nothing about the sender is written to the database,
to a file or to a log: the address is read from the request, hashed in memory and forgotten;
once the window ends its salt is dropped, so even the keys still in the cache cannot be
linked to an address any more (nor to each other across windows). A tip row holds the case,
the text and the day it arrived (not the time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600
MAX_TIPS_PER_WINDOW = 5

_lock = threading.Lock()
_salts: dict[int, bytes] = {}


def _salt(window: int) -> bytes:
    with _lock:
        for old in [w for w in _salts if w != window]:
            del _salts[old]
        if window not in _salts:
            _salts[window] = secrets.token_bytes(32)
        return _salts[window]


def _sender_key(request: HttpRequest, window: int) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hmac.new(_salt(window), address.encode(), hashlib.sha256).hexdigest()
    return f"cases-tip:{window}:{digest}"


def allow_tip(request: HttpRequest) -> bool:
    """Count one tip from this sender; False when the sender is over the limit."""
    window = int(time.time() // WINDOW_SECONDS)
    key = _sender_key(request, window)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= MAX_TIPS_PER_WINDOW
