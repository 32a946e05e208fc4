"""A database session per request in Sanic: SQLAlchemy's asyncio extension, no Flask-SQLAlchemy.

Run: sanic examples.sqlalchemy_session.with_sanic:create_app --factory
"""

from sanic import HTTPResponse, Request, Sanic, json
from sanic.exceptions import NotFound
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from examples.sqlalchemy_session.models import Base, Note


# region: setup
def create_app(database_url: str = "sqlite+aiosqlite:///notes.db") -> Sanic:
    app = Sanic("cookbook-sqlalchemy-session")
    app.ctx.database_url = database_url
    # The engine's pool belongs to a worker's event loop: make it once that loop runs.
    app.before_server_start(connect)
    app.after_server_stop(disconnect)
    app.on_request(open_session)
    app.on_response(close_session)
    # endregion
    app.add_route(add_note, "/notes", methods=["POST"])
    app.add_route(list_notes, "/notes")
    app.add_route(show_note, "/notes/<note_id:int>")
    return app


# region: session-per-request
async def connect(app: Sanic) -> None:
    app.ctx.engine = create_async_engine(app.ctx.database_url)
    # expire_on_commit=False: after a commit, reading note.id must not need another query,
    # which async SQLAlchemy cannot run implicitly (it raises MissingGreenlet).
    app.ctx.sessions = async_sessionmaker(app.ctx.engine, expire_on_commit=False)
    async with app.ctx.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)


async def disconnect(app: Sanic) -> None:
    await app.ctx.engine.dispose()


async def open_session(request: Request) -> None:
    request.ctx.db = request.app.ctx.sessions()


async def close_session(request: Request, response: HTTPResponse) -> None:
    if hasattr(request.ctx, "db"):
        await request.ctx.db.close()  # rolls back whatever was not committed


# endregion


# region: handlers
async def add_note(request: Request):
    note = Note(text=request.json["text"])
    request.ctx.db.add(note)
    await request.ctx.db.commit()
    return json(note.as_dict(), status=201)


async def list_notes(request: Request):
    notes = await request.ctx.db.scalars(select(Note).order_by(Note.id))
    return json([note.as_dict() for note in notes])


async def show_note(request: Request, note_id: int):
    note = await request.ctx.db.get(Note, note_id)
    if note is None:
        raise NotFound(f"No note {note_id}.")
    return json(note.as_dict())


# endregion
