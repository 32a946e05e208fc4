"""A mail client with a sync and an async flavour (as httpx has), shared by both apps."""

import asyncio
import os
import time

# The SMTP round trip; the shutdown test makes it longer than a stop takes to begin.
SEND_SECONDS = float(os.environ.get("COOKBOOK_MAIL_SECONDS", "0.3"))


def send_welcome(address: str) -> None:
    time.sleep(SEND_SECONDS)
    print(f"sent welcome mail to {address}", flush=True)


async def send_welcome_async(address: str) -> None:
    await asyncio.sleep(SEND_SECONDS)
    print(f"sent welcome mail to {address}", flush=True)
