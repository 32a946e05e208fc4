"""How pyaday is deployed: nginx in front of gunicorn (``nginx.conf``) and its launcher."""
