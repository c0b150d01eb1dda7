"""``/api/v1/integrations`` over HTTP on the all-in-one."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from apps.http.problems import PROBLEM_MEDIA_TYPE

from .conftest import MakeUser

Client = TestClient[Litestar]
OVERVIEW = "/api/v1/integrations"


def test_a_player_sees_the_integrations_offered(client: Client, make_user: MakeUser) -> None:
    headers = make_user(client)
    answer = client.get(OVERVIEW, headers=headers)
    assert answer.status_code == 200, answer.text
    assert isinstance(answer.json()["items"], list)


def test_the_integrations_need_a_signed_in_caller(client: Client) -> None:
    answer = client.get(OVERVIEW)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
