"""Tests of the benchmarks/ scripts (mirrors benchmarks/)."""
