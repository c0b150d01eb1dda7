"""The provider-independent rules of external sign-in: PKCE ``S256`` and which account an
identity may sign in to."""

from __future__ import annotations

import uuid

import pytest

from questlog_core.identity.external import (
    NO_PASSWORD,
    ExternalSignInRefused,
    LinkAction,
    digest,
    has_password,
    link_decision,
    new_code_verifier,
    pkce_challenge,
    same_secret,
)
from questlog_core.ids import UserId


def test_the_s256_challenge_is_rfc_7636s_example() -> None:
    # RFC 7636, appendix B
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_verifier_is_43_unreserved_characters_and_fresh_each_time() -> None:
    verifiers = {new_code_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    for verifier in verifiers:
        assert len(verifier) == 43
        assert set(verifier) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        )


def test_a_linked_identity_signs_in_whatever_the_address_says() -> None:
    linked, other = UserId(uuid.uuid4()), UserId(uuid.uuid4())
    for verified in (True, False):
        decision = link_decision(
            linked_user=linked, account_with_email=other, email_verified=verified
        )
        assert decision == (LinkAction.SIGN_IN, linked)


def test_a_verified_address_links_or_creates() -> None:
    owner = UserId(uuid.uuid4())
    assert link_decision(linked_user=None, account_with_email=owner, email_verified=True) == (
        LinkAction.LINK,
        owner,
    )
    assert link_decision(linked_user=None, account_with_email=None, email_verified=True) == (
        LinkAction.CREATE,
        None,
    )


@pytest.mark.parametrize("existing", [True, False])
def test_an_unverified_address_is_refused(existing: bool) -> None:
    owner = UserId(uuid.uuid4()) if existing else None
    with pytest.raises(ExternalSignInRefused, match="not verified"):
        link_decision(linked_user=None, account_with_email=owner, email_verified=False)


def test_an_account_made_by_a_provider_has_no_password() -> None:
    assert not has_password(NO_PASSWORD)
    assert has_password("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")


def test_the_binding_secret_is_compared_by_hash() -> None:
    assert same_secret("abc", digest("abc"))
    assert not same_secret("abd", digest("abc"))
    assert not same_secret(None, digest("abc"))
