"""One controller module per AI resource."""
