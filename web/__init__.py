"""The web layer: Flask blueprints, JSON shapes, uploads and the admin token, the CLI."""
