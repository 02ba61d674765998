"""Guided sync: a local folder and an S3 prefix compared, planned, previewed and applied.

A pipeline of plain functions: :mod:`scan` (one walk, one listing), :mod:`baseline` (what both
sides looked like after the last successful sync of each path), :mod:`plan` (the decision table,
whose result is data), :mod:`guard` (refusals and deletion limits), :mod:`apply` (each item
checked against the plan just before it runs, deletions recoverable).
"""
