"""The agent console: take calls, change state, notes, softphone tokens."""
