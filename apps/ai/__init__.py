"""The AI service: prioritize, breakdown, classify, quick add, suggest, analyze, insights."""
