"""Chart results cached by the user's data revision, so a repeat costs a dict lookup.

The key is everything a chart depends on: the user, their data revision (bumped in the same
transaction as every record write, see `records.bump_data_revision`), the chart, the range, the
user's today and first day of the week. A write makes a new revision, so a stale entry is never
looked up again; it ages out of the LRU. Each worker process keeps its own cache: the revision
comes from the database with the signed-in user, so workers never disagree about what is current.
The analysis (`ChartData`) is cached too, so the six charts of one dashboard after a write share
one read of the history.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

# Per worker: a body is up to ~300 kB (ten years' calendar), an analysis of ten years a few MB.
MAX_BODIES = 48
MAX_ANALYSES = 4


class LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_make(self, key: Hashable, make: Callable[[], object]) -> object:
        """Return the cached value for key, making and keeping it on a miss."""
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return self.items[key]
            self.misses += 1
        value = make()
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests)."""
        with self.lock:
            self.items.clear()
            self.hits = self.misses = 0


bodies = LRU(MAX_BODIES)
analyses = LRU(MAX_ANALYSES)
