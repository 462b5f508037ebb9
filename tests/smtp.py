"""A real SMTP server for tests (aiosmtpd on a free loopback port) and the settings to reach it."""

import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    """Keep every message the server receives."""

    def __init__(self):
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message):
        """Store one received message."""
        self.messages.append(message)


def free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_config(port: int) -> dict:
    """Return the mail settings that send to the test server on `port`."""
    return {
        "JOURNAL_SMTP_HOST": "127.0.0.1",
        "JOURNAL_SMTP_PORT": str(port),
        "JOURNAL_SMTP_SECURITY": "none",
        "JOURNAL_MAIL_FROM": "Mood Journal <journal@example.org>",
    }


@contextmanager
def running_smtp() -> Iterator[tuple[int, Inbox]]:
    """Run an SMTP server for the block; yield (port, inbox)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
