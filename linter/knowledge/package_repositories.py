"""Package repositories: the files that define them, the commands and scripts that add them.

DP001 reads these tables to tell a build that adds a third-party package repository (whose
outage or key rotation breaks the build) from one that only uses its distribution's own
archive or a mirror of it. Hosts are matched by domain suffix (``deb.debian.org`` is under
``debian.org``); setup scripts by a pattern on the URL without its scheme.
"""

from __future__ import annotations

import re

from dockerfile_dlint.patterns import LazyPattern, lazy

from ..records import NamedTuple

# Files and directories that hold repository definitions, and the package manager they feed.
REPOSITORY_FILES = {
    "/etc/apt/sources.list": "apt",
    "/etc/apk/repositories": "apk",
}
REPOSITORY_DIRECTORIES = {
    "/etc/apt/sources.list.d": "apt",
    "/etc/yum.repos.d": "yum",
    "/etc/zypp/repos.d": "zypper",
}

# Commands that write their standard input or arguments somewhere (brief's "writers").
ARGUMENT_WRITERS = frozenset({"echo", "printf"})
STDIN_WRITERS = frozenset({"tee", "cat"})
DOWNLOADERS = frozenset({"curl", "wget"})
# Output options of the downloaders: the file they write.
DOWNLOAD_OUTPUT_OPTIONS = ("-o", "--output", "-O", "--output-document")
DOWNLOAD_DIRECTORY_OPTIONS = ("-P", "--directory-prefix")

# Commands that add a repository: program -> the subcommand words that must follow (in order,
# options skipped), or () when the program itself does it.
ADD_REPOSITORY_COMMANDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "add-apt-repository": ((),),
    "apt-add-repository": ((),),
    "yum-config-manager": (("--add-repo",),),
    "dnf": (("config-manager", "--add-repo"), ("config-manager", "addrepo")),
    "microdnf": (("config-manager", "--add-repo"),),
    "zypper": (("addrepo",), ("ar",)),
}
# Options of add-apt-repository that make it remove a repository instead.
REMOVE_REPOSITORY_OPTIONS = ("-r", "--remove")
# Ubuntu's own archive components, which add-apt-repository enables by name.
DISTRIBUTION_COMPONENTS = frozenset(
    {"main", "universe", "multiverse", "restricted", "contrib", "non-free", "non-free-firmware"}
)

# Commands that import a repository signing key: program -> subcommands.
KEY_COMMANDS: dict[str, frozenset[str]] = {
    "apt-key": frozenset({"add", "adv"}),
}
KEYSERVER_OPTIONS = ("--keyserver",)
FETCH_KEY_OPTIONS = ("--fetch-keys",)


class SetupScript(NamedTuple):
    """A vendor script that, run by a shell, adds the vendor's package repository."""

    pattern: LazyPattern
    vendor: str


SETUP_SCRIPTS = (
    SetupScript(lazy(r"(deb|rpm)\.nodesource\.com/setup"), "NodeSource"),
    SetupScript(lazy(r"/nodesource/distributions/.*setup"), "NodeSource"),
    SetupScript(lazy(r"^(get|test)\.docker\.(com|io)(/|/rootless/?)?(\?.*)?$"), "Docker"),
    SetupScript(
        lazy(r"/install/repositories/[^/]+/[^/]+/script\.(deb|rpm|alpine|python|node|gem)\.sh"),
        "packagecloud",
    ),
    SetupScript(lazy(r"install\.citusdata\.com/community/(deb|rpm)\.sh"), "Citus"),
    SetupScript(lazy(r"mariadb\.com/.*mariadb_repo_setup"), "MariaDB"),
    SetupScript(lazy(r"setup\.ius\.io"), "IUS"),
    SetupScript(lazy(r"apt\.llvm\.org/llvm\.sh"), "LLVM"),
    SetupScript(lazy(r"(toolbelt|cli-assets)\.heroku\.com/install-ubuntu\.sh"), "Heroku"),
)  # fmt: skip

# A distribution's own archive: not a third-party repository.
DISTRIBUTION_DOMAINS = (
    "debian.org", "http.debian.net", "ubuntu.com", "canonical.com", "alpinelinux.org",
    "centos.org", "fedoraproject.org", "rockylinux.org", "almalinux.org", "redhat.com",
    "oracle.com", "kali.org", "raspbian.org", "raspberrypi.org", "raspberrypi.com",
    "devuan.org", "archlinux.org", "linuxmint.com", "amazonlinux.com", "opensuse.org",
)  # fmt: skip
# Hosts of well-known mirror networks: a path naming a distribution is a mirror of it.
MIRROR_DOMAINS = (
    "aliyun.com", "aliyuncs.com", "tsinghua.edu.cn", "ustc.edu.cn", "163.com", "huaweicloud.com",
    "tencent.com", "tencentyun.com", "myqcloud.com", "sjtu.edu.cn", "bfsu.edu.cn", "nju.edu.cn",
    "zju.edu.cn", "hust.edu.cn", "lzu.edu.cn", "kernel.org", "yandex.ru", "jaist.ac.jp",
    "daumkakao.com", "kakao.com", "ovh.net", "osuosl.org", "leaseweb.net", "heanet.ie",
    "nchc.org.tw",
)  # fmt: skip
# Vendors whose repository paths name a distribution (``packages.microsoft.com/debian/12``):
# third-party even though the path looks like a mirror's.
VENDOR_DOMAINS = (
    "microsoft.com", "docker.com", "nodesource.com", "yarnpkg.com", "mariadb.org",
    "mariadb.com", "mongodb.org", "mongodb.com", "postgresql.org", "nginx.org", "mysql.com",
    "launchpad.net", "launchpadcontent.net", "google.com", "googleapis.com", "elastic.co",
    "hashicorp.com", "jenkins.io", "jenkins-ci.org", "gitlab.com", "packagecloud.io",
    "sury.org", "r-project.org", "rstudio.com", "mono-project.com", "percona.com",
    "influxdata.com", "grafana.com", "kubernetes.io", "k8s.io", "azul.com", "adoptium.net",
)  # fmt: skip
# Words in a host or path that name a distribution (a mirror's layout: /debian, /ubuntu …).
DISTRIBUTION_NAMES = frozenset(
    {
        "debian", "debian-security", "debian-archive", "debian-backports", "debian-ports",
        "ubuntu", "ubuntu-ports", "ubuntu-old-releases", "alpine", "alpinelinux",
        "alpinelinux.org", "centos", "centos-vault", "centos-altarch", "centos-stream",
        "fedora", "epel", "rocky", "rockylinux", "almalinux", "kali", "raspbian", "devuan",
        "archlinux", "linuxmint",
    }
)  # fmt: skip
# Path words that mark a third-party product mirrored by a mirror network.
PRODUCT_NAMES = frozenset(
    {
        "docker-ce", "docker", "nodesource", "node", "yarn", "mongodb", "mongodb-org", "mariadb",
        "mysql", "postgresql", "pgdg", "elasticsearch", "elastic", "kubernetes", "gitlab",
        "gitlab-ce", "jenkins", "nginx", "zabbix", "grafana", "influxdb", "ros", "ros2", "cuda",
    }
)  # fmt: skip

# Paths on a distribution's own domain that hold third-party projects (openSUSE's build
# service hosts anyone's packages under /repositories/).
THIRD_PARTY_PATHS = {"opensuse.org": "/repositories/"}
# URI schemes of repositories on the image's own file system.
LOCAL_SCHEMES = ("file:", "copy:", "cdrom:")

URL = lazy(r"\b(?:https?|ftp|mirror|tor\+https?)://([^/\s\"'\\\]]+)([^\s\"'\\]*)")
PPA = lazy(r"^ppa:([\w.+-]+/[\w.+-]+)$")


def repository_file_kind(path: str) -> str | None:
    """``apt``, ``yum``, ``apk`` or ``zypper`` when ``path`` defines package repositories."""
    cleaned = re.sub(r"/+", "/", path.strip())
    if cleaned in REPOSITORY_FILES:
        return REPOSITORY_FILES[cleaned]
    directory, _, name = cleaned.rpartition("/")
    if name and directory in REPOSITORY_DIRECTORIES:
        return REPOSITORY_DIRECTORIES[directory]
    return None


def repository_directory_kind(path: str) -> str | None:
    """The package manager a repository directory feeds (``/etc/yum.repos.d/``)."""
    return REPOSITORY_DIRECTORIES.get(re.sub(r"/+", "/", path.strip()).rstrip("/"))


def setup_script_vendor(url: str) -> str | None:
    """The vendor whose repository setup script ``url`` is, if it is one."""
    bare = re.sub(r"^[a-z+]+://", "", url.strip())
    return next((script.vendor for script in SETUP_SCRIPTS if script.pattern.search(bare)), None)


def _under(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def is_distribution_source(host: str, path: str) -> bool:
    """Whether a repository at ``host``/``path`` is a distribution's archive or a mirror of it.

    Vendors often lay out their repositories like the distribution's (``/debian bookworm
    main``), so a path alone proves nothing: a mirror also has a mirror-like host.
    """
    host = host.lower().split(":")[0]
    if _under(host, VENDOR_DOMAINS):
        return False
    for domain, prefix in THIRD_PARTY_PATHS.items():
        if _under(host, (domain,)) and path.startswith(prefix):
            return False
    if _under(host, DISTRIBUTION_DOMAINS):
        return True
    segments = [segment.lower() for segment in path.split("/") if segment]
    words = set(segments)
    for segment in segments:
        words.update(re.split(r"[-_.]", segment))
    if words & PRODUCT_NAMES:
        return False
    labels = set(host.split("."))
    names = (labels | words) & DISTRIBUTION_NAMES
    mirror_like = (
        _under(host, MIRROR_DOMAINS)
        or any(label.startswith("mirror") for label in labels)
        or "mirror" in words
        # debian.example.edu/debian: a mirror; debian.vendor.io/stable: a vendor's repository
        or bool(labels & DISTRIBUTION_NAMES and segments and segments[0] in DISTRIBUTION_NAMES)
    )
    return bool(names) and mirror_like
