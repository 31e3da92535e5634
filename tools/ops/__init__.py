"""The operator's tool: `python -m tools.ops status | parked list|show|replay | rebuild`."""
