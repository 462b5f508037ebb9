"""Accounts the person controls: server-side sessions, account actions, throttling, the log."""
