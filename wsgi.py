"""WSGI entry point: `gunicorn wsgi:app`, configured by environment variables only."""

from issuer import create_app

app = create_app()
