"""Running the statements of ``sql.py`` on an ``aiosqlite`` or async ``psycopg`` connection.

Twin of the ``fetch_*`` functions of ``sql.py``: the same names, awaited.
"""


async def fetch_one(db, statement: str, parameters=()) -> tuple | None:
    """Run a statement on an ``aiosqlite`` or ``psycopg`` async connection; its first row."""
    cursor = await db.execute(statement, parameters)
    return await cursor.fetchone()


async def fetch_all(db, statement: str, parameters=()) -> list[tuple]:
    cursor = await db.execute(statement, parameters)
    return await cursor.fetchall()


async def fetch_value(db, statement: str, parameters=()):
    """The first column of the first row: a count."""
    return (await fetch_one(db, statement, parameters))[0]
