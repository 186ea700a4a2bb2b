"""Typed pandas tables over the canonical rows and the fixed table tools (see :mod:`structured.tools`)."""
