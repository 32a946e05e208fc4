"""The models, shared by both apps: a port keeps them and changes only the session around them."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]

    def as_dict(self) -> dict:
        return {"id": self.id, "text": self.text}
