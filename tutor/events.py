"""Timestamped events for `dltutor bench --ui`, written only when asked.

When the environment variable `DLTUTOR_EVENTS` names a file, each event is
appended to it as one JSON line, e.g. `{"event": "lesson", "demo": "softmax",
"t": 12.5}` with `t` from `time.monotonic()` (comparable across processes on
one machine). Without it, recording costs one dictionary lookup.
"""

from __future__ import annotations

import json
import os
import time

ENV = "DLTUTOR_EVENTS"


def record_event(name: str, **fields: object) -> None:
    """Append `{"event": name, **fields, "t": now}` to the events file, if any."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = json.dumps({"event": name, **fields, "t": time.monotonic()})
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")
    except OSError:
        pass  # a benchmark aid: never worth failing the app over
