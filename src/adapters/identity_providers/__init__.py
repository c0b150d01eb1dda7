"""External identity providers to sign in with
(:class:`~questlog_core.identity.ports.IdentityProvider`): any OpenID Connect provider by
discovery (Google among them) and GitHub (OAuth 2.0)."""

from adapters.identity_providers.github import GitHubProvider
from adapters.identity_providers.oidc import GOOGLE_ISSUER, OidcProvider, google_provider

__all__ = ["GOOGLE_ISSUER", "GitHubProvider", "OidcProvider", "google_provider"]
