"""Page tasks and results as JSON for the broker (never pickle): plain dicts of the dataclasses' fields."""

from __future__ import annotations

import dataclasses
from typing import Any

from ingest.ocr import OcrSettings
from pipelines.executors.pagejob import PageResult, PageTask


def task_to_json(task: PageTask) -> dict[str, Any]:
    return dataclasses.asdict(task)


def task_from_json(data: dict[str, Any]) -> PageTask:
    fields = {f.name for f in dataclasses.fields(PageTask)}
    values = {k: v for k, v in data.items() if k in fields}
    settings = {k: v for k, v in dict(values.pop("settings")).items()
                if k in {f.name for f in dataclasses.fields(OcrSettings)}}
    return PageTask(settings=OcrSettings(**settings), **values)


def result_to_json(result: PageResult) -> dict[str, Any]:
    return dataclasses.asdict(result)


def result_from_json(data: dict[str, Any]) -> PageResult:
    fields = {f.name for f in dataclasses.fields(PageResult)}
    return PageResult(**{k: v for k, v in data.items() if k in fields})
