"""The shared HTTP edge: problem details, the DI bridge, authentication, pagination."""
