"""Fixture makers for scripts/make_fixtures.py (PyTorch 1.13, float64)."""
