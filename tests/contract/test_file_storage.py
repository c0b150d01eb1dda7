"""The FileStorage contract: every adapter (memory, local folder, S3 on moto) behaves the same.

Adapter-specific behaviour (signed-URL tampering and expiry, the local folder's atomic writes
and layout, S3 failure mapping) is tested at the end of this module, outside the contract.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.memory.clock import FixedClock
from adapters.memory.storage import InMemoryFileStorage
from adapters.storage.local import LocalFileStorage
from adapters.storage.s3 import S3FileStorage
from adapters.storage.signing import SignedUrlRejected, verify_signed_url
from questlog_core.errors import FileTooLarge, NotFound, ServiceUnavailable, ValidationFailed
from tests.contract.storage_fixtures import (
    BASE_URL,
    SIGNING_KEY,
    TEST_MAX_BYTES,
    SignedUrlClient,
    StorageCase,
    make_s3_storage,
    moto_endpoint,
    s3_bucket,
    s3_client,
    storage_case,
)

__all__ = [
    "moto_endpoint",
    "s3_bucket",
    "s3_client",
    "storage_case",
]  # fixtures, re-exported for pytest

OWNER = "attachments/6f1c2b8e-0000-4000-8000-000000000001"
KEY = f"{OWNER}/5b0e7d1a-0000-4000-8000-00000000000a"
ALL_BYTES = bytes(range(256)) * 4
HOUR = timedelta(hours=1)

UNSAFE_KEYS = [
    "",
    "../escape",
    "attachments/../../etc/passwd",
    "/etc/passwd",
    "attachments//double",
    "attachments/./dot",
    "attachments/nul\x00byte",
    "attachments/new\nline",
    "attachments\\windows",
    "C:/windows",
    "trailing/",
    "k" * 1025,
]


# -- put / get / head / delete ------------------------------------------------------------


async def test_a_stored_file_reads_back_byte_for_byte(storage_case: StorageCase) -> None:
    stored = await storage_case.storage.put(KEY, ALL_BYTES, "application/pdf")

    assert (stored.key, stored.size, stored.content_type) == (KEY, 1024, "application/pdf")
    assert await storage_case.storage.get(KEY) == ALL_BYTES
    head = await storage_case.storage.head(KEY)
    assert (head.key, head.size, head.content_type) == (KEY, 1024, "application/pdf")
    assert await storage_case.storage.exists(KEY)


async def test_an_empty_file_is_a_file(storage_case: StorageCase) -> None:
    await storage_case.storage.put(KEY, b"", "text/plain")

    assert await storage_case.storage.get(KEY) == b""
    assert (await storage_case.storage.head(KEY)).size == 0


async def test_a_missing_file_is_not_found(storage_case: StorageCase) -> None:
    with pytest.raises(NotFound):
        await storage_case.storage.get(KEY)
    with pytest.raises(NotFound):
        await storage_case.storage.head(KEY)
    assert not await storage_case.storage.exists(KEY)


async def test_putting_again_replaces_bytes_and_content_type(storage_case: StorageCase) -> None:
    await storage_case.storage.put(KEY, b"first version, longer", "text/plain")
    await storage_case.storage.put(KEY, b"\x89PNG", "image/png")

    assert await storage_case.storage.get(KEY) == b"\x89PNG"
    head = await storage_case.storage.head(KEY)
    assert (head.size, head.content_type) == (4, "image/png")


async def test_a_deleted_file_is_gone_and_deleting_twice_is_fine(
    storage_case: StorageCase,
) -> None:
    await storage_case.storage.put(KEY, b"bye", "text/plain")
    await storage_case.storage.delete(KEY)
    await storage_case.storage.delete(KEY)

    assert not await storage_case.storage.exists(KEY)
    with pytest.raises(NotFound):
        await storage_case.storage.get(KEY)


async def test_deleting_one_file_keeps_its_neighbours(storage_case: StorageCase) -> None:
    other = f"{OWNER}/another-attachment"
    await storage_case.storage.put(KEY, b"one", "text/plain")
    await storage_case.storage.put(other, b"two", "text/plain")

    await storage_case.storage.delete(KEY)

    assert await storage_case.storage.get(other) == b"two"


async def test_keys_are_case_sensitive_and_unicode_safe(storage_case: StorageCase) -> None:
    await storage_case.storage.put(f"{OWNER}/Report", b"upper", "text/plain")
    await storage_case.storage.put(f"{OWNER}/report", b"lower", "text/plain")
    await storage_case.storage.put(f"{OWNER}/quête ✓.txt", b"unicode", "text/plain")

    assert await storage_case.storage.get(f"{OWNER}/Report") == b"upper"
    assert await storage_case.storage.get(f"{OWNER}/report") == b"lower"
    assert await storage_case.storage.get(f"{OWNER}/quête ✓.txt") == b"unicode"


@pytest.mark.parametrize("key", UNSAFE_KEYS, ids=repr)
async def test_unsafe_keys_are_refused_everywhere(storage_case: StorageCase, key: str) -> None:
    storage = storage_case.storage
    with pytest.raises(ValidationFailed) as put_error:
        await storage.put(key, b"x", "text/plain")
    assert put_error.value.field == "key"
    for call in (storage.get(key), storage.head(key), storage.delete(key)):
        with pytest.raises(ValidationFailed):
            await call
    with pytest.raises(ValidationFailed):
        await storage.upload_url(key, "text/plain", HOUR)
    with pytest.raises(ValidationFailed):
        await storage.download_url(key, HOUR)


@pytest.mark.parametrize("content_type", ["", "text", "text/plain\r\nX-Evil: 1", "a/b c"])
async def test_malformed_content_types_are_refused(
    storage_case: StorageCase, content_type: str
) -> None:
    with pytest.raises(ValidationFailed):
        await storage_case.storage.put(KEY, b"x", content_type)
    with pytest.raises(ValidationFailed):
        await storage_case.storage.upload_url(KEY, content_type, HOUR)
    assert not await storage_case.storage.exists(KEY)


async def test_content_type_parameters_are_kept(storage_case: StorageCase) -> None:
    await storage_case.storage.put(KEY, b"hi", "text/plain; charset=utf-8")

    assert (await storage_case.storage.head(KEY)).content_type == "text/plain; charset=utf-8"


async def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    storage_case: StorageCase,
) -> None:
    await storage_case.storage.put(KEY, b"x" * TEST_MAX_BYTES, "application/octet-stream")

    with pytest.raises(FileTooLarge) as error:
        await storage_case.storage.put(KEY, b"y" * (TEST_MAX_BYTES + 1), "text/plain")

    assert (error.value.size, error.value.limit) == (TEST_MAX_BYTES + 1, TEST_MAX_BYTES)
    assert await storage_case.storage.get(KEY) == b"x" * TEST_MAX_BYTES


async def test_concurrent_writes_leave_one_whole_version(storage_case: StorageCase) -> None:
    versions = [bytes([n]) * 20_000 for n in range(8)]

    await asyncio.gather(*(storage_case.storage.put(KEY, v, "text/plain") for v in versions))

    assert await storage_case.storage.get(KEY) in versions


# -- upload and download URLs ---------------------------------------------------------------


async def test_a_file_uploaded_through_its_url_can_be_read(storage_case: StorageCase) -> None:
    url = await storage_case.storage.upload_url(KEY, "image/png", HOUR)

    uploaded = await storage_case.urls.upload(url, b"\x89PNG\r\n\x1a\n", "image/png")

    assert uploaded.status == 200
    assert await storage_case.storage.get(KEY) == b"\x89PNG\r\n\x1a\n"
    assert (await storage_case.storage.head(KEY)).content_type == "image/png"


async def test_a_download_url_serves_the_bytes_and_type(storage_case: StorageCase) -> None:
    await storage_case.storage.put(KEY, ALL_BYTES, "application/pdf")

    fetched = await storage_case.urls.download(await storage_case.storage.download_url(KEY, HOUR))

    assert (fetched.status, fetched.body) == (200, ALL_BYTES)
    assert fetched.content_type == "application/pdf"


async def test_a_download_url_of_a_deleted_file_finds_nothing(storage_case: StorageCase) -> None:
    await storage_case.storage.put(KEY, b"soon gone", "text/plain")
    url = await storage_case.storage.download_url(KEY, HOUR)
    await storage_case.storage.delete(KEY)

    assert (await storage_case.urls.download(url)).status == 404


@pytest.mark.parametrize("lifetime", [timedelta(0), timedelta(seconds=-1), timedelta(days=8)])
async def test_url_lifetimes_must_be_positive_and_at_most_a_week(
    storage_case: StorageCase, lifetime: timedelta
) -> None:
    with pytest.raises(ValidationFailed):
        await storage_case.storage.upload_url(KEY, "text/plain", lifetime)
    with pytest.raises(ValidationFailed):
        await storage_case.storage.download_url(KEY, lifetime)


async def test_a_url_names_its_key_and_expiry(storage_case: StorageCase) -> None:
    url = await storage_case.storage.download_url(f"{OWNER}/quête ✓.txt", timedelta(minutes=5))

    parts = urlsplit(url)
    assert parts.scheme in ("http", "https")
    assert "qu%C3%AAte%20%E2%9C%93.txt" in parts.path
    assert parts.query  # carries the signature (S3: X-Amz-Signature; ours: signature)


# -- signed URLs of the memory and local adapters (the S3 ones are S3's business) -----------


@pytest.fixture(params=["memory", "local"])
def signed(request: pytest.FixtureRequest, tmp_path: Path) -> StorageCase:
    clock = FixedClock(datetime(2030, 1, 1, 12, 0, tzinfo=UTC))
    storage: InMemoryFileStorage | LocalFileStorage
    if request.param == "memory":
        storage = InMemoryFileStorage(signing_key=SIGNING_KEY, base_url=BASE_URL, clock=clock)
    else:
        storage = LocalFileStorage(tmp_path, SIGNING_KEY, BASE_URL, clock=clock)
    return StorageCase(request.param, storage, SignedUrlClient(storage), clock)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def test_signed_urls_have_the_documented_shape(signed: StorageCase) -> None:
    url = await signed.storage.upload_url(KEY, "image/png", timedelta(minutes=10))

    assert url.startswith(f"{BASE_URL}/api/v1/files/{KEY}?")
    query = _query(url)
    assert query["ct"] == "image/png"
    assert int(query["expires"]) == int(datetime(2030, 1, 1, 12, 10, tzinfo=UTC).timestamp())
    assert set(query) == {"expires", "signature", "ct"}


async def test_a_signed_url_works_until_it_expires(signed: StorageCase) -> None:
    assert signed.clock is not None
    await signed.storage.put(KEY, b"secret plans", "text/plain")
    url = await signed.storage.download_url(KEY, timedelta(minutes=10))

    signed.clock.advance(timedelta(minutes=10))
    assert (await signed.urls.download(url)).status == 200
    signed.clock.advance(timedelta(seconds=1))
    assert (await signed.urls.download(url)).status == 403


async def test_an_upload_url_is_bound_to_its_key_and_content_type(signed: StorageCase) -> None:
    url = await signed.storage.upload_url(KEY, "image/png", HOUR)
    other_key = url.replace(KEY, f"{OWNER}/someone-elses")
    other_type = url.replace("ct=image%2Fpng", "ct=text%2Fhtml")

    assert (await signed.urls.upload(other_key, b"x", "image/png")).status == 403
    assert (await signed.urls.upload(other_type, b"<script>", "text/html")).status == 403
    assert (await signed.urls.upload(url, b"<script>", "text/html")).status == 403
    assert not await signed.storage.exists(KEY)
    assert not await signed.storage.exists(f"{OWNER}/someone-elses")


async def test_a_download_url_cannot_be_used_to_upload(signed: StorageCase) -> None:
    # S3 signs the method into SigV4 too, but moto does not check presigned signatures,
    # so this property is only proven here for the adapters whose signatures we check.
    await signed.storage.put(KEY, b"original", "text/plain")
    url = await signed.storage.download_url(KEY, HOUR)

    result = await signed.urls.upload(url, b"overwritten", "text/plain")

    assert result.status == 403
    assert await signed.storage.get(KEY) == b"original"


async def test_a_tampered_signature_or_expiry_is_rejected(signed: StorageCase) -> None:
    await signed.storage.put(KEY, b"data", "text/plain")
    url = await signed.storage.download_url(KEY, HOUR)
    query = _query(url)

    for expires, signature in [
        (str(int(query["expires"]) + 3600), query["signature"]),  # stretched lifetime
        (query["expires"], query["signature"][:-2] + "AA"),  # forged signature
        (query["expires"], ""),
        ("soon", query["signature"]),
    ]:
        assert not isinstance(signed.storage, S3FileStorage)
        with pytest.raises(SignedUrlRejected):
            signed.storage.verify_signed_url(KEY, expires, signature, method="GET")


def test_the_http_layer_can_verify_with_the_key_and_a_clock() -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    storage = InMemoryFileStorage(signing_key=SIGNING_KEY, base_url=BASE_URL, clock=clock)
    url = asyncio.run(storage.download_url(KEY, HOUR))
    query = _query(url)

    verify_signed_url(
        KEY,
        query["expires"],
        query["signature"],
        method="GET",
        signing_key=SIGNING_KEY,
        clock=clock,
    )
    with pytest.raises(SignedUrlRejected) as wrong_key:
        verify_signed_url(
            KEY,
            query["expires"],
            query["signature"],
            method="GET",
            signing_key=b"another-deployment-key-xxxxxxxxxx",
            clock=clock,
        )
    assert wrong_key.value.reason == "bad-signature"
    clock.advance(HOUR + timedelta(seconds=1))
    with pytest.raises(SignedUrlRejected) as late:
        verify_signed_url(
            KEY,
            query["expires"],
            query["signature"],
            method="GET",
            signing_key=SIGNING_KEY,
            clock=clock,
        )
    assert late.value.reason == "expired"


def test_a_short_signing_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="signing_key"):
        LocalFileStorage(tmp_path, b"short", BASE_URL)


# -- the local folder ------------------------------------------------------------------------


async def test_the_local_folder_is_readable_by_an_operator(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path, SIGNING_KEY, BASE_URL)

    await storage.put(KEY, b"hello", "text/plain")

    assert (tmp_path / "files" / KEY).read_bytes() == b"hello"
    assert list((tmp_path / "tmp").iterdir()) == []  # no half-written leftovers


async def test_deleting_the_last_file_of_an_owner_removes_the_owner_folder(
    tmp_path: Path,
) -> None:
    storage = LocalFileStorage(tmp_path, SIGNING_KEY, BASE_URL)
    await storage.put(KEY, b"hello", "text/plain")

    await storage.delete(KEY)

    assert not (tmp_path / "files" / OWNER).exists()
    assert (tmp_path / "files").is_dir()


async def test_a_symlink_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"do not serve")
    storage = LocalFileStorage(tmp_path / "store", SIGNING_KEY, BASE_URL)
    (tmp_path / "store" / "files" / "attachments").mkdir(parents=True)
    (tmp_path / "store" / "files" / "attachments" / "evil").symlink_to(outside)

    with pytest.raises(ValidationFailed):
        await storage.get("attachments/evil/secret")
    with pytest.raises(ValidationFailed):
        await storage.put("attachments/evil/planted", b"x", "text/plain")
    assert not (outside / "planted").exists()


async def test_a_failed_write_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = LocalFileStorage(tmp_path, SIGNING_KEY, BASE_URL)
    await storage.put(KEY, b"good", "text/plain")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)  # the OS fails mid-write
    with pytest.raises(OSError, match="No space left"):
        await storage.put(KEY, b"bad, and longer than the good one", "text/plain")
    monkeypatch.undo()

    assert await storage.get(KEY) == b"good"
    assert (await storage.head(KEY)).size == 4
    assert list((tmp_path / "tmp").iterdir()) == []


# -- S3 specifics ------------------------------------------------------------------------------


async def test_s3_presigned_put_works_over_http(moto_endpoint: str, s3_bucket: str) -> None:
    import httpx

    storage = make_s3_storage(moto_endpoint, s3_bucket)
    url = await storage.upload_url(KEY, "text/csv", HOUR)

    async with httpx.AsyncClient(timeout=10.0) as http:
        response = await http.put(url, content=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"})

    assert response.status_code == 200
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=3600" in url
    assert await storage.get(KEY) == b"a,b\n1,2\n"
    assert (await storage.head(KEY)).content_type == "text/csv"


async def test_s3_key_prefix_keeps_deployments_apart(moto_endpoint: str, s3_bucket: str) -> None:
    blue = make_s3_storage(moto_endpoint, s3_bucket, key_prefix="blue")
    green = make_s3_storage(moto_endpoint, s3_bucket, key_prefix="green/")

    await blue.put(KEY, b"blue", "text/plain")

    assert not await green.exists(KEY)
    assert blue.client.get_object(Bucket=s3_bucket, Key=f"blue/{KEY}")["Body"].read() == b"blue"


async def test_s3_missing_bucket_is_unavailable_not_a_crash(moto_endpoint: str) -> None:
    storage = make_s3_storage(moto_endpoint, "questlog-no-such-bucket")

    with pytest.raises(ServiceUnavailable):
        await storage.put(KEY, b"x", "text/plain")


async def test_s3_unreachable_endpoint_is_unavailable() -> None:
    storage = make_s3_storage(
        "http://127.0.0.1:9", "questlog-test", connect_timeout=0.5, max_attempts=1
    )

    with pytest.raises(ServiceUnavailable):
        await storage.get(KEY)
