"""Work after the response in Sanic: app.add_task, named tasks, and a drain on shutdown.

Run: sanic examples.background_tasks.with_sanic:create_app --factory
"""

import asyncio

from sanic import Request, Sanic, json
from sanic.exceptions import NotFound

from examples.background_tasks.mail import send_welcome_async

WAIT_SECONDS = 10


def create_app() -> Sanic:
    app = Sanic("cookbook-background-tasks")
    # region: setup
    # Tasks run on the worker's event loop. On SIGTERM or SIGINT Sanic cancels at once every
    # task in its registry, before any listener runs: the mails stay out of it, in a dict of
    # their own, and are finished before the server stops.
    app.ctx.mails = {}  # address → Task
    app.before_server_stop(finish_mails)
    # endregion
    app.add_route(queue_welcome, "/welcome", methods=["POST"])
    app.add_route(welcome_status, "/welcome/<address>")
    return app


# region: start-a-task
async def queue_welcome(request: Request):
    address = request.json["email"]
    mail = send_welcome_async(address)
    # The name shows in logs; register=False keeps the task out of Sanic's registry (where
    # app.get_task(name) would find it, and a stop would cancel it).
    task = request.app.add_task(mail, name=f"welcome:{address}", register=False)
    request.app.ctx.mails[address] = task
    return json({"queued": address}, status=202)


# endregion


# region: find-a-task
async def welcome_status(request: Request, address: str):
    """Answers once the mail is sent (or after WAIT_SECONDS)."""
    task = request.app.ctx.mails.get(address)
    if task is None:
        raise NotFound(f"No mail queued for {address}.")
    # shield: a client that gives up cancels this wait, not the mail.
    await asyncio.wait_for(asyncio.shield(task), timeout=WAIT_SECONDS)
    return json({"email": address, "sent": True})


# endregion


# region: shutdown
async def finish_mails(app: Sanic) -> None:
    await asyncio.gather(*app.ctx.mails.values(), return_exceptions=True)


# endregion
