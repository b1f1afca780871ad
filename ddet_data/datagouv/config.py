"""Publishing settings: publish.toml, then the environment, then command-line options.

The API key comes only from `DATAGOUV_API_KEY`. `DATAGOUV_API_URL` and
`DATAGOUV_ORGANIZATION` (or `--api-url` / `--organization`) override the target's, so
any udata instance can be used. The `sandbox` target takes its URL and organization from
the running sandbox (`.sandbox/state.json`) unless they are overridden.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ConfigError
from .client import check_api_url, is_loopback

CONFIG_FILE = "publish.toml"
ID_CACHE_FILE = "publish-ids.json"
FREQUENCIES = {
    "unknown", "punctual", "continuous", "hourly", "fourTimesADay", "threeTimesADay",
    "semidaily", "daily", "fourTimesAWeek", "threeTimesAWeek", "semiweekly", "weekly",
    "biweekly", "threeTimesAMonth", "semimonthly", "monthly", "bimonthly", "quarterly",
    "threeTimesAYear", "semiannual", "annual", "biennial", "triennial", "quinquennial",
    "irregular",
}  # fmt: skip


@dataclass(frozen=True)
class DatasetSettings:
    """Per-package settings that the package descriptor does not say."""

    license: str = "lov2"
    frequency: str = "irregular"
    tags: tuple[str, ...] = ()
    spatial_zones: tuple[str, ...] = ("country:fr",)
    spatial_granularity: str = "country"
    temporal_fields: tuple[str, ...] = ()
    private: bool = False


@dataclass(frozen=True)
class Target:
    """Where to publish: resolved URL, organization and key (the key is never shown)."""

    name: str
    api_url: str
    organization: str
    api_key: str | None = field(repr=False, default=None)
    packages: dict[str, DatasetSettings] = field(default_factory=dict)
    id_cache: Path | None = None

    def settings_for(self, package: str) -> DatasetSettings:
        return self.packages.get(package, DatasetSettings())


def read_config(path: Path) -> dict:
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such file (it names the publishing targets)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def dataset_settings(name: str, raw: dict, path: Path) -> DatasetSettings:
    known = set(DatasetSettings.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(
            f"{path}: [packages.{name}]: unknown setting(s) {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(known))})"
        )
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    settings = DatasetSettings(**values)
    if settings.frequency not in FREQUENCIES:
        raise ConfigError(
            f"{path}: [packages.{name}] frequency {settings.frequency!r} is not a "
            "data.gouv.fr frequency (e.g. weekly, monthly, irregular)"
        )
    return settings


def sandbox_values(root: Path) -> dict:
    try:
        return json.loads((root / ".sandbox" / "state.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def load_target(
    root: Path,
    target: str | None = None,
    *,
    api_url: str | None = None,
    organization: str | None = None,
    environ: dict | None = None,
) -> Target:
    """The target to publish to, with overrides applied and checked."""
    environ = os.environ if environ is None else environ
    path = root / CONFIG_FILE
    config = read_config(path)
    targets = config.get("targets", {})
    name = target or environ.get("DATAGOUV_TARGET") or config.get("default_target")
    if not name:
        raise ConfigError(f"{path}: no default_target; pass --target")
    if name not in targets:
        raise ConfigError(
            f"{path}: unknown target {name!r} (known: {', '.join(sorted(targets)) or 'none'})"
        )
    raw = targets[name]
    url = api_url or environ.get("DATAGOUV_API_URL") or raw.get("api_url", "")
    org = organization or environ.get("DATAGOUV_ORGANIZATION") or raw.get("organization", "")
    if raw.get("sandbox"):
        running = sandbox_values(root)
        url = url or running.get("url", "")
        org = org or running.get("organization", "")
        if not url:
            raise ConfigError("the sandbox is not running: start it with 'ddet-data sandbox start'")
    if not url:
        raise ConfigError(f"{path}: target {name!r} has no api_url (or set DATAGOUV_API_URL)")
    url = check_api_url(url)
    if not org:
        raise ConfigError(
            f"{path}: target {name!r} has no organization id "
            "(set it there, or DATAGOUV_ORGANIZATION, or --organization)"
        )
    packages = {
        package: dataset_settings(package, values, path)
        for package, values in config.get("packages", {}).items()
    }
    # Loopback servers are rehearsals: their ids stay out of the committed cache.
    cache = root / ".sandbox" / ID_CACHE_FILE if is_loopback_url(url) else root / ID_CACHE_FILE
    return Target(
        name=name,
        api_url=url,
        organization=org,
        api_key=environ.get("DATAGOUV_API_KEY") or None,
        packages=packages,
        id_cache=cache,
    )


def is_loopback_url(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname)


# -- the id cache: a hint, never the truth -----------------------------------------


def cache_key(target: Target) -> str:
    return f"{target.api_url} {target.organization}"


def read_id_cache(target: Target) -> dict[str, str]:
    """Dataset ids by package name, as last seen on this platform and organization."""
    if target.id_cache is None:
        return {}
    try:
        data = json.loads(target.id_cache.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    entry = data.get(cache_key(target), {})
    return {k: v for k, v in entry.items() if isinstance(v, str)}


def write_id_cache(target: Target, ids: dict[str, str]) -> None:
    if target.id_cache is None:
        return
    try:
        data = json.loads(target.id_cache.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        data = {}
    if data.get(cache_key(target)) == ids:
        return
    data[cache_key(target)] = dict(sorted(ids.items()))
    target.id_cache.parent.mkdir(parents=True, exist_ok=True)
    partial = target.id_cache.with_suffix(".partial")
    partial.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(target.id_cache)
