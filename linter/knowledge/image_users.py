"""Users that well-known base images define, their homes, and the user the image runs as.

``USER node`` in a Dockerfile built on ``node:20`` names an account the Dockerfile never
creates: the image made it. To know that user's home (where Python, Prisma and Playwright look
for their files) and uid, dlint reads this table. Each entry cites the image's own build file.
Extend it with an entry per image family; ``repositories`` are repository paths as
``ImageReference.repository`` gives them (``*`` patterns allowed), ``tags`` narrow it to tags
that contain one of the strings (empty: every tag).

Every Linux base image also keeps ``/root`` closed to other users: mode 0700 in Debian, Ubuntu
and Alpine (base-files, alpine-baselayout), 0550 in Fedora and Red Hat UBI (filesystem
package), 0700 in distroless. ``ROOT_HOME_MODE`` is the mode dlint assumes.
"""

from __future__ import annotations

import fnmatch

from ..images import ImageReference
from ..records import NamedTuple

ROOT_HOME_MODE = 0o700


class ImageUser(NamedTuple):
    """An account a base image defines."""

    name: str
    uid: int
    gid: int
    home: str


class ImageUsers(NamedTuple):
    """The accounts of an image family, and the user it runs as (None: root)."""

    repositories: frozenset[str]
    users: tuple[ImageUser, ...]
    default_user: str | None = None
    tags: tuple[str, ...] = ()
    source: str = ""


KNOWN_IMAGE_USERS: tuple[ImageUsers, ...] = (
    ImageUsers(
        frozenset({"node", "library/node", "*/node"}),
        (ImageUser("node", 1000, 1000, "/home/node"),),
        # groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
        # (Debian variants), addgroup -g 1000 node && adduser -u 1000 -G node -D node (Alpine)
        source="https://github.com/nodejs/docker-node (every <version>/<variant>/Dockerfile)",
    ),
    ImageUsers(
        frozenset({"ubuntu", "library/ubuntu"}),
        (ImageUser("ubuntu", 1000, 1000, "/home/ubuntu"),),
        tags=("23.", "24.", "25.", "26.", "noble", "oracular", "plucky", "questing", "latest"),
        # the cloud image's default user, kept in the container image from 23.04 on
        source="https://bugs.launchpad.net/cloud-images/+bug/2005129",
    ),
    ImageUsers(
        frozenset({"distroless/*"}),
        (ImageUser("nonroot", 65532, 65532, "/home/nonroot"),),
        default_user="nonroot",
        tags=("nonroot",),
        source="https://github.com/GoogleContainerTools/distroless/blob/main/base/base.bzl",
    ),
    ImageUsers(
        frozenset({"playwright", "playwright/python"}),
        (ImageUser("pwuser", 1000, 1000, "/home/pwuser"),),
        # adduser pwuser in utils/docker/Dockerfile.noble of microsoft/playwright
        source="https://github.com/microsoft/playwright/tree/main/utils/docker",
    ),
    ImageUsers(
        frozenset({"jenkins/jenkins"}),
        (ImageUser("jenkins", 1000, 1000, "/var/jenkins_home"),),
        default_user="jenkins",
        source="https://github.com/jenkinsci/docker/blob/master/debian/bookworm/hotspot/Dockerfile",
    ),
)


# Images of Red Hat's family, where adduser is a link to useradd (shadow-utils).
RED_HAT_FAMILY = frozenset({
    "centos", "fedora", "rockylinux", "almalinux", "amazonlinux", "oraclelinux",
    "rhel", "ubi", "ubi-minimal", "ubi8", "ubi9", "ubi8/ubi", "ubi9/ubi", "ubi8/ubi-minimal",
    "ubi9/ubi-minimal", "rockylinux/rockylinux", "library/centos", "library/fedora",
})  # fmt: skip


def red_hat_family(image: ImageReference | None) -> bool:
    """Whether ``image`` is one of Red Hat's family (by repository name)."""
    return image is not None and image.repository.lower() in RED_HAT_FAMILY


def image_users(image: ImageReference) -> ImageUsers | None:
    """The known accounts of ``image``, if its family is in the table."""
    repository = image.repository.lower()
    tag = (image.tag or "latest").lower()
    for entry in KNOWN_IMAGE_USERS:
        if not any(fnmatch.fnmatchcase(repository, known) for known in entry.repositories):
            continue
        if entry.tags and not any(part in tag for part in entry.tags):
            continue
        return entry
    return None
