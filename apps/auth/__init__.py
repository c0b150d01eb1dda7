"""The auth service: accounts, sign-in, sessions, tokens, password resets, roles, JWKS."""
