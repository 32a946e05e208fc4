"""Configuration in Flask: defaults, then COOKBOOK_* environment variables, then limits.

Run: COOKBOOK_PAGE_SIZE=50 flask --app examples.configuration.with_flask run
"""

from flask import Flask, current_app, jsonify, request

BODY_LIMIT = 1_000_000


def create_app() -> Flask:
    app = Flask(__name__)
    # region: from-environment
    app.config.update(PAGE_SIZE=20, SEARCH=False)
    # Values go through json.loads: "50" → 50, "true" → True, "[1, 2]" → [1, 2], "yes" → "yes".
    app.config.from_prefixed_env("COOKBOOK")
    # endregion
    # region: silent-defaults
    # No body limit by default (MAX_CONTENT_LENGTH is None; since Flask 3.1 form fields alone
    # are capped at 500 kB by MAX_FORM_MEMORY_SIZE).
    app.config["MAX_CONTENT_LENGTH"] = BODY_LIMIT
    # endregion
    # region: auto-extend
    # Flask extensions do nothing until you call them; Flask itself answers OPTIONS.
    # endregion
    app.add_url_rule("/settings", view_func=show_settings)
    app.add_url_rule("/uploads", view_func=upload, methods=["POST"])
    return app


def show_settings():
    config = current_app.config
    return jsonify(
        page_size=config["PAGE_SIZE"],
        search=config["SEARCH"],
        body_limit=config["MAX_CONTENT_LENGTH"],
    )


def upload():
    return jsonify(received=len(request.get_data()))
