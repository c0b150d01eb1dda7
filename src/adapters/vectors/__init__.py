"""``Embedder`` and ``VectorIndex`` adapters: the local hashing embedder and OpenAI embeddings;
the persisted numpy index (exact cosine) and Pinecone (one namespace per user)."""
