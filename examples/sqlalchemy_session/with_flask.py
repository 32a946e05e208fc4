"""A database session per request in Flask: Flask-SQLAlchemy.

Run: flask --app examples.sqlalchemy_session.with_flask run
"""

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

from examples.sqlalchemy_session.models import Base, Note

# region: setup
# db.session is scoped to the app context, so each request gets its own, removed after it.
db = SQLAlchemy(model_class=Base)


def create_app(database_url: str = "sqlite:///notes.db") -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    with app.app_context():
        db.create_all()
    # endregion
    app.add_url_rule("/notes", view_func=add_note, methods=["POST"])
    app.add_url_rule("/notes", view_func=list_notes)
    app.add_url_rule("/notes/<int:note_id>", view_func=show_note)
    return app


# region: session-per-request
# Flask-SQLAlchemy opens db.session when a request first uses it, and closes it (rolling back
# what was not committed) when the request's app context ends.
# endregion


# region: handlers
def add_note():
    note = Note(text=request.get_json()["text"])
    db.session.add(note)
    db.session.commit()
    return jsonify(note.as_dict()), 201


def list_notes():
    notes = db.session.scalars(select(Note).order_by(Note.id))
    return jsonify([note.as_dict() for note in notes])


def show_note(note_id: int):
    return jsonify(db.get_or_404(Note, note_id).as_dict())


# endregion
