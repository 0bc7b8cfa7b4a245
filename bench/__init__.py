"""Tandem's benchmarks: ``make bench`` runs ``python -m bench.run_all`` (see run_all.py)."""
