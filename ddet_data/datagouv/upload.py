"""Sending a file to data.gouv.fr: whole up to 20 MB, in 20 MB parts above, as its front end.

A POST whose answer was lost may or may not have been applied, so none is repeated
blindly: `recover_post` looks for what it was creating before sending it again.

udata 17.18's chunked upload, as seen on a running server:
- a part carries `uuid`, `filename`, `partindex`, `totalparts`, `chunksize` and the
  bytes, and is stored as `chunks/<uuid>/<partindex>`; the same part sent again answers
  500 and keeps the first copy, which was complete (the size is checked first);
- the final request (no file; `uuid`, `filename`, `totalparts`) joins the parts in index
  order into the resource; sent before every part arrived it answers 500 and keeps the
  parts; sent again after a success it answers 500 and creates nothing.
So a part is sent again freely (a 500 to a second copy says the first one arrived),
while the final request is an uncertain write: after a failure, look at the dataset
before sending it again. If the parts themselves are in doubt, the whole file goes
again under a new uuid, a clean upload.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import Any

from urllib3 import encode_multipart_formdata

from ..errors import PublishError, UncertainWrite
from .client import Client
from .local import LocalFile

CHUNK_SIZE = 20_000_000  # the front end's resourceFileUploadChunk (decimal megabytes)
POST_ATTEMPTS = 6
PART_ATTEMPTS = 4  # the front end's retry(send, 3): one try and three more
FINAL_ATTEMPTS = 3
ROUNDS = 2  # of the whole file, each under its own uuid
SAME_SECOND = 1.1  # udata names stored files by the second: a new try waits for the next

Look = Callable[[], Any]
Progress = Callable[[int, int], None]


def quiet(*_args) -> None:
    return None


def recover_post(client: Client, send: Callable[[], Any], look: Look, what: str):
    """Send a POST; after a failure whose outcome is unknown, look before sending again."""
    found, failure = send_or_find(client, send, look, POST_ATTEMPTS)
    if failure is not None and found is None:
        raise PublishError(f"{what}: gave up after {POST_ATTEMPTS} attempts: {failure}")
    return found


def send_or_find(
    client: Client, send: Callable[[], Any], look: Look, attempts: int
) -> tuple[Any, UncertainWrite | None]:
    """What the POST answered, or what `look` found after it failed, with the last failure.

    A failed POST may leave a file on a path named by the second, so a new try waits
    for the next one.
    """
    last: UncertainWrite | None = None
    for attempt in range(attempts):
        if attempt:
            delay = client.delay(attempt - 1, last.retry_after if last else None)
            client.sleep(max(delay, SAME_SECOND))
            found = look()
            if found is not None:
                return found, None
        try:
            return send(), None
        except UncertainWrite as exc:
            last = exc
    return look(), last


def send_file(
    client: Client, path: str, file: LocalFile, look: Look, progress: Progress = quiet
) -> dict:
    """Upload `file` to `path` (a dataset's or a resource's upload endpoint): the resource."""
    if file.size <= CHUNK_SIZE:
        content = file.path.read_bytes()

        def send():
            return client.upload(path, file.upload_name, content, file.mimetype, progress)

        return recover_post(client, send, look, f"upload {file.path}")
    failure: Exception | None = None
    for attempt in range(ROUNDS):
        if attempt:
            client.sleep(SAME_SECOND)
        upload_id = str(uuid.uuid4())
        try:
            send_parts(client, path, file, upload_id, progress)
        except UncertainWrite as exc:
            # A part never got through; one of an earlier round may have been joined.
            failure = exc
            found = look()
            if found is not None:
                return found
            continue
        found, failure = join_parts(client, path, file, upload_id, look)
        if found is not None:
            return found
    raise PublishError(f"upload {file.path} in parts: gave up after {ROUNDS} rounds: {failure}")


def part_count(size: int) -> int:
    return math.ceil(size / CHUNK_SIZE)


def send_parts(client: Client, path: str, file: LocalFile, upload_id: str, progress) -> None:
    total = part_count(file.size)
    with open(file.path, "rb") as stream:
        for index in range(total):
            stream.seek(index * CHUNK_SIZE)
            data = stream.read(CHUNK_SIZE)
            fields = [
                ("uuid", upload_id),
                ("filename", file.upload_name),
                ("partindex", str(index)),
                ("partbyteoffset", str(index * CHUNK_SIZE)),
                ("totalparts", str(total)),
                ("chunksize", str(len(data))),
                ("file", (file.upload_name, data, file.mimetype)),
            ]
            send_part(client, path, fields)
            progress(index * CHUNK_SIZE + len(data), file.size)


def send_part(client: Client, path: str, fields: list) -> None:
    """One part, sent again after a failure: storing a part twice is refused, not doubled."""
    last: UncertainWrite | None = None
    for attempt in range(PART_ATTEMPTS):
        if attempt:
            client.sleep(client.delay(attempt - 1, last.retry_after if last else None))
        try:
            post_form(client, path, fields, ok=(200,))
            return
        except UncertainWrite as exc:
            if attempt and exc.status == 500:
                # udata answers 500 to a part it holds already: an earlier copy arrived.
                # If this 500 meant something else, the final request finds the part
                # missing, and the file goes again under a new uuid.
                return
            if attempt == PART_ATTEMPTS - 1:
                raise
            last = exc


def join_parts(
    client: Client, path: str, file: LocalFile, upload_id: str, look: Look
) -> tuple[dict | None, UncertainWrite | None]:
    """The final request, sent again only once the dataset shows it did not succeed.

    Sent again after a success it would create nothing (the parts are gone), but it is
    not sent blindly all the same: its failure may be slow to show on the dataset.
    """
    fields = [
        ("uuid", upload_id),
        ("filename", file.upload_name),
        ("totalparts", str(part_count(file.size))),
    ]
    return send_or_find(
        client, lambda: post_form(client, path, fields, ok=(200, 201)), look, FINAL_ATTEMPTS
    )


def post_form(client: Client, path: str, fields: list, ok: tuple[int, ...]) -> Any:
    body, content_type = encode_multipart_formdata(fields)
    response = client.request(
        "POST",
        path,
        data=body,
        headers={"Content-Type": content_type},
        timeout=client.upload_timeout,
        ok=ok,
    )
    return client.decode("POST", response)
