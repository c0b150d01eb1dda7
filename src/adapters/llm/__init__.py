"""``LanguageModel`` adapters: OpenAI, Anthropic, the labelled local fallback, the failover chain
with its circuit breakers, and the cost controls (response cache, token metering)."""
