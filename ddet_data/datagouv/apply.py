"""Carrying out a package's plan: its actions, in its order, with the bodies it decided.

Nothing is worked out again here. What the plan could not know is only the URL of a
resource it uploads (a table's schema, an image the description shows): a body that
links to one is sent once that resource is uploaded. So a data file, uploaded before
its schema, gets its metadata (and its marker) just after the schema's upload.

`done` counts the changes carried out, so that an interrupted run can say how far it
went; a run stopped anywhere and started again finds its objects by their markers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import PublishError
from . import markers
from . import plan as planning
from .client import Client
from .local import LocalFile
from .upload import quiet, recover_post, send_file

Events = Callable[[str], None]
Progress = Callable[[str, int, int], None]


@dataclass
class Applied:
    package: str
    dataset_id: str
    dataset_url: str
    writes: int


@dataclass
class Pending:
    """Resource metadata waiting for the URL of a resource uploaded later in the run."""

    action: planning.Action
    resource_id: str


class Applier:
    """Applies package plans through `client`; `find_dataset(package)` looks for a dataset
    whose creation had an unknown outcome (its marker)."""

    def __init__(
        self,
        client: Client,
        find_dataset: Callable[[str], dict | None],
        events: Events = quiet,
        progress: Progress = quiet,
    ):
        self.client = client
        self.find_dataset = find_dataset
        self.events = events
        self.progress = progress
        self.done = 0  # changes carried out, over every package
        self.urls: dict[str, str] = {}  # marker -> URL, of the resources uploaded by this run
        self.pending: list[Pending] = []

    def apply_package(self, package_plan: planning.PackagePlan) -> Applied:
        writes_before = self.client.writes_sent
        dataset_id = package_plan.dataset_id
        self.urls, self.pending = {}, []
        for action in package_plan.actions:
            kind = action.kind
            if kind == planning.CREATE_DATASET:
                dataset_id = self.create_dataset(action)["id"]
                self.done += 1
            elif kind == planning.UPDATE_DATASET:
                self.events(f"{action.package}: updating the dataset's metadata")
                body = planning.resolved(action.body, self.urls)
                self.client.put(f"datasets/{dataset_id}/", body)
                self.done += 1
            elif kind == planning.UPLOAD:
                resource = self.upload_new(dataset_id, action.file)
                self.set_metadata(dataset_id, action, resource)
            elif kind == planning.REPLACE_FILE:
                resource = self.replace_file(dataset_id, action.resource_id, action.file)
                self.set_metadata(dataset_id, action, resource)
            elif kind == planning.UPDATE_RESOURCE:
                self.set_metadata(dataset_id, action, {"id": action.resource_id})
            elif kind == planning.DELETE_RESOURCE:
                self.events(f"deleting {action.marker} ({action.detail})")
                self.client.delete(f"datasets/{dataset_id}/resources/{action.resource_id}/")
                self.done += 1
        if self.pending:
            waiting = ", ".join(p.action.marker or "" for p in self.pending)
            raise PublishError(f"{package_plan.package}: metadata never sent for {waiting}")
        final = self.client.get(f"datasets/{dataset_id}/")
        return Applied(
            package_plan.package,
            dataset_id,
            final.get("page") or final.get("uri") or self.client.url(f"datasets/{dataset_id}/"),
            self.client.writes_sent - writes_before,
        )

    # -- the writes ------------------------------------------------------------------

    def create_dataset(self, action: planning.Action) -> dict:
        self.events(f"{action.package}: creating the dataset")
        # Links to resources stay tokens until those exist (a last update sets them).
        return recover_post(
            self.client,
            lambda: self.client.post("datasets/", action.body),
            lambda: self.find_dataset(action.package),
            f"{action.package}: create dataset",
        )

    def resources(self, dataset_id: str) -> list[dict]:
        return self.client.get(f"datasets/{dataset_id}/").get("resources") or []

    def file_progress(self, file: LocalFile):
        return lambda done, total: self.progress(file.path.name, done, total)

    def upload_new(self, dataset_id: str, file: LocalFile) -> dict:
        self.events(f"uploading {file.path.name}")

        def look():
            for resource in self.resources(dataset_id):
                if (
                    markers.marker_of(resource) is None
                    and markers.checksum_of(resource) == file.sha1
                ):
                    return resource
            return None

        path = f"datasets/{dataset_id}/upload/"
        return send_file(self.client, path, file, look, self.file_progress(file))

    def replace_file(self, dataset_id: str, resource_id: str, file: LocalFile) -> dict:
        self.events(f"replacing {file.path.name}")

        def look():
            for resource in self.resources(dataset_id):
                if resource["id"] == resource_id and markers.checksum_of(resource) == file.sha1:
                    return resource
            return None

        path = f"datasets/{dataset_id}/resources/{resource_id}/upload/"
        return send_file(self.client, path, file, look, self.file_progress(file))

    def set_metadata(self, dataset_id: str, action: planning.Action, resource: dict) -> None:
        """PUT the resource's metadata now, or once the resources it links to are uploaded."""
        url = planning.url_of(resource)
        if url and action.marker:
            self.urls[action.marker] = url
        self.pending.append(Pending(action, resource["id"]))
        while ready := [
            p for p in self.pending if set(planning.unresolved(p.action.body)) <= set(self.urls)
        ]:
            for item in ready:
                self.pending.remove(item)
                body = planning.resolved(item.action.body, self.urls)
                sent = self.client.put(f"datasets/{dataset_id}/resources/{item.resource_id}/", body)
                if planning.url_of(sent) and item.action.marker:
                    self.urls[item.action.marker] = planning.url_of(sent)
                self.done += 1
