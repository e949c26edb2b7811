"""Helpers every layer may use: the exception hierarchy, crash-safe writes, file locks."""
