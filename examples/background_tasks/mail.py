"""A mail client with a sync and an async flavour (as httpx has), shared by both apps."""

import asyncio
import time

SEND_SECONDS = 0.3  # the SMTP round trip


def send_welcome(address: str) -> None:
    time.sleep(SEND_SECONDS)
    print(f"sent welcome mail to {address}", flush=True)


async def send_welcome_async(address: str) -> None:
    await asyncio.sleep(SEND_SECONDS)
    print(f"sent welcome mail to {address}", flush=True)
