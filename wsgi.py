"""The only entry point: ``flask --app wsgi …`` and ``gunicorn wsgi:app``."""
from hailong import create_app

app = create_app()
