"""Images that are frozen, gone, or moved to another registry; releases without ``apt-key``.

DB008 reads these tables. An image's row says since when it is ``deprecated`` (it still pulls,
but nobody updates it: no security fixes, and its package lists rot) or ``removed`` (the pull
fails: ``manifest unknown`` / ``pull access denied``), and what to use instead. Rows apply from
their date on, judged against the as-of date, so a test pinned to 2021 does not see a 2022
deprecation.

Repositories are matched as Docker reads them: ``openjdk``, ``library/openjdk`` and
``docker.io/library/openjdk`` are one. A row with a ``tags`` pattern applies to the tags it
matches only (``node:8-onbuild``); a registry row (``repository`` None) to every image of that
registry path.
"""

from __future__ import annotations

import datetime

from dockerfile_dlint.images import ImageReference
from dockerfile_dlint.patterns import LazyPattern, lazy

from ..records import NamedTuple

DEPRECATED = "deprecated"
REMOVED = "removed"

DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


class ImageStatus(NamedTuple):
    """``registry``/``repository`` (``tags`` matching) is ``state`` since ``since``."""

    registry: str | None
    repository: str | None
    state: str
    since: datetime.date
    replacement: str
    tags: LazyPattern | None = None
    prefix: str = ""


_ONBUILD = lazy(r"(.*-)?onbuild(-.*)?")
# openjdk's early-access tags (``26-ea-jdk``) are still built from jdk.java.net.
_NOT_EARLY_ACCESS = lazy(r"(?!\d+-ea\b).*")
# The official images that had ONBUILD variants (docker-library/official-images#2076).
ONBUILD_IMAGES = (
    "node", "python", "golang", "ruby", "pypy", "maven", "clojure", "erlang", "mono", "jruby",
    "django", "rails", "iojs",
)  # fmt: skip

IMAGE_STATUSES = (
    # docker-library/docs openjdk/deprecated.md, docker-library/openjdk#505: deprecated, no
    # updates beyond July 2022 except early-access tags.
    ImageStatus(
        None,
        "openjdk",
        DEPRECATED,
        datetime.date(2022, 7, 1),
        "eclipse-temurin, amazoncorretto, ibm-semeru-runtimes or sapmachine",
        _NOT_EARLY_ACCESS,
    ),
    # docker-library/docs java/deprecated.md: deprecated for openjdk, no updates after
    # 2016-12-31; openjdk is itself deprecated (above).
    ImageStatus(None, "java", DEPRECATED, datetime.date(2016, 12, 31), "eclipse-temurin"),
    # docker-library/docs django/deprecated.md, rails/deprecated.md: no updates after
    # 2016-12-31, in favour of python and ruby.
    ImageStatus(None, "django", DEPRECATED, datetime.date(2016, 12, 31), "python"),
    ImageStatus(None, "rails", DEPRECATED, datetime.date(2016, 12, 31), "ruby"),
    # docker-library/docs iojs/deprecated.md: io.js merged back into Node.js 4 (2015-09-08).
    ImageStatus(None, "iojs", DEPRECATED, datetime.date(2015, 9, 8), "node"),
    # docker-library/docs centos/deprecated.md: all tags EOL (2024-06-30); the last meaningful
    # update was 2020-11-16 (docker-library/official-images#9102).
    ImageStatus(
        None,
        "centos",
        DEPRECATED,
        datetime.date(2020, 11, 16),
        "rockylinux, almalinux or quay.io/centos/centos:stream9",
    ),
    # docker-library/docs jenkins/deprecated.md: no updates after LTS 2.60.x (2017).
    ImageStatus(None, "jenkins", DEPRECATED, datetime.date(2017, 10, 1), "jenkins/jenkins:lts"),
    # ONBUILD variants: deprecated 2017-05-18 (docker-library/docs#911, following
    # docker-library/official-images#2076), the last removed 2018-07-20 (docker-library/
    # python#314, docker-library/ruby#223): the tags stay on Docker Hub, frozen.
    *(
        ImageStatus(
            None,
            name,
            DEPRECATED,
            datetime.date(2017, 5, 18),
            f"a {name} tag without -onbuild, with your own COPY and RUN steps",
            _ONBUILD,
        )
        for name in ONBUILD_IMAGES
    ),
    # Microsoft stopped publishing to Docker Hub in 2019 (dotnet/dotnet-docker#935) and
    # deprecated its Docker Hub images on 2021-05-28 (dotnet/dotnet-docker#2848); the .NET Core
    # 2.1 tags, which the unversioned tags pointed at from 2020-01-14 (dotnet/dotnet-docker#1542),
    # were deleted from Docker Hub on 2021-08-21 (dotnet/announcements#197).
    ImageStatus(
        None,
        "microsoft/dotnet",
        REMOVED,
        datetime.date(2021, 8, 21),
        "mcr.microsoft.com/dotnet/sdk, /aspnet, /runtime or /runtime-deps",
        lazy(r"(2\.1(\.\d+)*|2|latest|sdk|runtime|runtime-deps|aspnetcore-runtime)(-.*)?"),
    ),
    *(
        ImageStatus(
            None,
            name,
            DEPRECATED,
            datetime.date(2021, 5, 28),
            "mcr.microsoft.com/dotnet/sdk, /aspnet, /runtime or /runtime-deps",
        )
        for name in ("microsoft/dotnet", "microsoft/aspnetcore", "microsoft/aspnetcore-build")
    ),
    # k8s.gcr.io (an alias of gcr.io/google-containers) froze on 2023-04-03 in favour of
    # registry.k8s.io (kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement).
    ImageStatus("k8s.gcr.io", None, DEPRECATED, datetime.date(2023, 4, 3), "registry.k8s.io"),
    ImageStatus(
        "gcr.io",
        None,
        DEPRECATED,
        datetime.date(2023, 4, 3),
        "registry.k8s.io",
        prefix="google_containers/",
    ),
    ImageStatus(
        "gcr.io",
        None,
        DEPRECATED,
        datetime.date(2023, 4, 3),
        "registry.k8s.io",
        prefix="google-containers/",
    ),
)


class Status(NamedTuple):
    """What the as-of date finds about one image reference."""

    reference: str
    row: ImageStatus

    @property
    def registry(self) -> str:
        """The registry by name: ``Docker Hub``, ``k8s.gcr.io``."""
        return "Docker Hub" if self.row.registry is None else self.row.registry


def image_status(reference: str, today: datetime.date) -> Status | None:
    """The status of the image ``reference`` on ``today``: the first ``removed`` row that
    applies, else the first ``deprecated`` one; None for images with no row."""
    image = ImageReference.parse(reference)
    registry = (image.registry or "docker.io").lower()
    repository = image.repository.lower()
    if registry in DOCKER_HUB:
        registry = "docker.io"
        repository = repository.removeprefix("library/")
    tag = (image.tag or "latest").lower()
    found = [
        row
        for row in IMAGE_STATUSES
        if row.since <= today and _applies(row, registry, repository, tag)
    ]
    found.sort(key=lambda row: row.state != REMOVED)
    return Status(reference, found[0]) if found else None


def _applies(row: ImageStatus, registry: str, repository: str, tag: str) -> bool:
    if row.repository is not None:
        if registry != "docker.io" or repository != row.repository:
            return False
    elif registry != row.registry or not repository.startswith(row.prefix):
        return False
    return row.tags is None or row.tags.fullmatch(tag) is not None


# apt-key left apt in 2.9.15 (apt 3.0's development series, 2024), so Debian 13 trixie (apt
# 3.0, lwn.net/Articles/1017315) and Ubuntu 25.04 plucky (apt 2.9.33; adoptium/infrastructure
# #4387, brian7704/OpenTAKServer-Installer#14 "apt-key: command not found" on 25.04) have no
# apt-key. Ubuntu 24.10 (apt 2.9.8) still has it: manpages.ubuntu.com/manpages/oracular/en/man8/
# apt-key.8.html, whose text says it "will last be available in Debian 12 and Ubuntu 24.04".
APT_KEY_REMOVED = {"debian": "13", "ubuntu": "25.04"}
