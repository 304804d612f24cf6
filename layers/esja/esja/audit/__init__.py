"""The audit log: every change and every export of personal information made in a space, append-only."""
