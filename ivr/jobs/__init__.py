"""Work done beside the caller's path: the event stream webhooks append to, the RQ jobs that write call history
and cases to SQL, the worker loop that rides out a lost Redis, and the routing sweep."""

from typing import Any

#: Job functions that lived in the module `ivr.jobs` before it became this package.  RQ names a queued job's
#: function by its dotted path, so a job an older release queued as `ivr.jobs.record_call_events` still runs.
_MOVED_TO_CALL_HISTORY = frozenset({"record_call_event", "record_call_events", "file_agent_notes", "add_agent_note"})


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_CALL_HISTORY:
        from ivr.jobs import call_history

        return getattr(call_history, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
