"""A real SMTP server for the reminder tests (aiosmtpd), on a free local port; it keeps what it received.

`refuse` > 0: the next that many messages are refused with a temporary error (451), as a busy or
broken server would; then it accepts again.
"""

from __future__ import annotations

import email
from email import policy
import socket
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)
    refuse: int = 0
    refused: int = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def bodies_to(self, address: str) -> list[str]:
        return [body(m) for m in self.messages if m["To"] == address]


def body(message: Message) -> str:
    """The text as written (SMTP carries lines ending in CR LF)."""
    return message.get_content().replace("\r\n", "\n")


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
