"""Celery worker entry point: `celery -A issuer.worker worker`, same environment as the web."""

from issuer import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
