"""Retrieve, rank, cite and answer."""
