"""The web client's pages, one module per area."""
