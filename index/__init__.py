"""Embed passages, store them in FAISS beside a manifest, load them back."""
