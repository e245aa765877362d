"""Unit workbooks: the template layout, the writer and the reader (with cell provenance)."""
