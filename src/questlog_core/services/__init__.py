"""Use cases, one module per area. Apps and workers call these and nothing deeper."""
