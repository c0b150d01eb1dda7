"""The AI layer's pure parts: prompts that keep user text as data, and the checks every
language-model answer goes through before anyone acts on it."""

from questlog_core.ai.prompts import DATA_RULE, PromptBuilder, fence, keep_owned

__all__ = ["DATA_RULE", "PromptBuilder", "fence", "keep_owned"]
