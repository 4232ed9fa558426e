"""Every setting and environment variable of minhchung, read once.

Both front ends build one :class:`Config` at start (the CLI per command, the web app per process) and hand it
to the services; no other module reads ``os.environ`` for a setting. Variables:

* ``MINHCHUNG_HOME`` — the data home (``--home`` wins), default ``./minhchung-data``;
* ``MINHCHUNG_OCR_CACHE`` — a shared OCR cache folder (default: the home's ``cache/ocr``);
* ``MINHCHUNG_TESSERACT`` — the tesseract program (default ``tesseract`` on ``PATH``);
* ``MINHCHUNG_OCR_ENGINE`` — the OCR engine id registered in :mod:`ingest.engines` (default ``tesseract``);
* ``MINHCHUNG_ELASTICSEARCH_URL`` — when set, Elasticsearch is the search backend and is fed through the
  catalog's outbox;
* ``MINHCHUNG_USER`` — the name written in the audit log by the CLI (default: the login name);
* ``MINHCHUNG_LANG`` — the language of messages, ``vi`` or ``en`` (``--lang`` wins; default ``vi``; the web
  app follows each browser's ``Accept-Language`` instead);
* ``MINHCHUNG_BROKER_URL`` — a RabbitMQ broker (``amqp://user:password@host:5672//``): ``ingest`` sends pages to
  remote OCR workers (``minhchung worker``) through it, ``status`` shows them (``--broker`` wins);
* ``MINHCHUNG_WORKER_TOKEN`` — the secret a remote worker shows to fetch originals from the coordinator.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.ocr import OcrSettings
from pipelines.catalog.home import Home
from pipelines.i18n import DEFAULT_LANG, lang_or_none
from search.backends import ES_URL_ENV


@dataclass(frozen=True)
class Config:
    home: Home
    ocr: OcrSettings = field(default_factory=OcrSettings)
    es_url: str | None = None
    user: str | None = None
    jobs: int = max(1, os.cpu_count() or 1)
    lang: str = DEFAULT_LANG  # messages: vi | en
    broker_url: str | None = None  # remote OCR workers (pipelines.executors.remote)
    worker_token: str | None = None  # the blob route's secret (pipelines.web.blobs)

    @classmethod
    def from_env(cls, home: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        root = Path(home or env.get("MINHCHUNG_HOME") or "minhchung-data").resolve()
        cache = env.get("MINHCHUNG_OCR_CACHE")
        ocr = OcrSettings(tesseract_cmd=env.get("MINHCHUNG_TESSERACT") or "tesseract",
                          engine=env.get("MINHCHUNG_OCR_ENGINE") or "tesseract")
        return cls(home=Home(root, Path(cache).resolve() if cache else None), ocr=ocr,
                   es_url=(env.get(ES_URL_ENV) or "").strip() or None,
                   user=env.get("MINHCHUNG_USER") or None,
                   lang=lang_or_none(env.get("MINHCHUNG_LANG")) or DEFAULT_LANG,
                   broker_url=(env.get("MINHCHUNG_BROKER_URL") or "").strip() or None,
                   worker_token=(env.get("MINHCHUNG_WORKER_TOKEN") or "").strip() or None)

    @property
    def search_backend(self) -> str:
        """``elasticsearch`` when its URL is set, else ``sqlite`` (the index inside the catalog)."""
        return "elasticsearch" if self.es_url else "sqlite"

    def ocr_settings(self, **changes: object) -> OcrSettings:
        """The configured OCR settings with a command's own options (``lang``, ``timeout``…) applied."""
        return replace(self.ocr, **changes) if changes else self.ocr

    def who(self) -> str:
        """The name the CLI writes in the audit log."""
        return self.user or getpass.getuser()
