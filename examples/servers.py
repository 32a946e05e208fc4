"""Helpers for the few cookbook tests that need a real server, not an in-process client."""

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
