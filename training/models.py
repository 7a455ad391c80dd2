"""Pupils' time: production work logs and theory sessions (SPEC.md R1, R2)."""
