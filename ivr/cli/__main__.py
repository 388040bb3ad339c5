"""`python -m ivr.cli` runs the `cityline` command (the launcher and tests start workers this way)."""

from ivr.cli import main

main()
