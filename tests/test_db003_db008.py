"""DB003 and DB008 beyond their fixtures: a level per finding, and the as-of date."""

import datetime

from dockerfile_dlint.api import Level
from dockerfile_dlint.config import Settings
from helpers import lint

AS_OF = {"as-of": datetime.date(2026, 12, 1)}
IMAGES = """\
FROM openjdk:17-jdk-slim AS frozen
FROM microsoft/dotnet:2.1-sdk AS gone
"""


def test_a_frozen_image_is_a_warning_and_a_deleted_one_an_error() -> None:
    result = lint(IMAGES, select=["DB008"], settings=Settings(options=AS_OF))
    assert [(f.span.line, f.level) for f in result.findings] == [
        (1, Level.WARNING),
        (2, Level.ERROR),
    ]


def test_a_configured_level_applies_to_every_finding() -> None:
    settings = Settings(options=AS_OF, levels={"DB008": "info"})
    result = lint(IMAGES, select=["DB008"], settings=settings)
    assert [f.level for f in result.findings] == [Level.INFO, Level.INFO]


def test_the_as_of_date_decides_and_an_iso_string_is_read() -> None:
    before = Settings(options={"as-of": "2021-06-01"})
    result = lint(IMAGES, select=["DB008"], settings=before)
    assert [(f.span.line, f.level) for f in result.findings] == [(2, Level.WARNING)]
