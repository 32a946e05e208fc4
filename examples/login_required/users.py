"""The app's users and their API tokens, shared by both apps."""

from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    id: str
    name: str
    # What Flask-Login asks of a user object (its UserMixin provides them); Sanic asks nothing.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.id


USERS_BY_TOKEN = {"token-of-ada": User("1", "Ada"), "token-of-grace": User("2", "Grace")}


def user_for(authorization: str | None) -> User | None:
    """The user an ``Authorization: Bearer <token>`` header names, if any."""
    scheme, _, token = (authorization or "").partition(" ")
    return USERS_BY_TOKEN.get(token) if scheme.lower() == "bearer" else None
