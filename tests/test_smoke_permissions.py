"""The smoke artifact check's judgement of owners and modes, without an engine."""

from __future__ import annotations

from dockerfile_dlint.smoke.artifacts import RuntimeUser, permitted, runtime_user

PASSWD = """\
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000::/home/app:/bin/sh
web:x:1001:33::/srv/web:/bin/sh
"""
GROUP = """\
root:x:0:
app:x:1000:
www-data:x:33:
shared:x:2000:app,web
"""


def test_users_resolve_through_the_images_account_files() -> None:
    assert runtime_user("", PASSWD, GROUP) == RuntimeUser("root", 0, frozenset({0}))
    assert runtime_user("app", PASSWD, GROUP) == RuntimeUser("app", 1000, frozenset({1000, 2000}))
    assert runtime_user("1001", PASSWD, GROUP) == RuntimeUser("web", 1001, frozenset({33, 2000}))
    assert runtime_user("app:www-data", PASSWD, GROUP) == RuntimeUser(
        "app", 1000, frozenset({33, 2000})
    )
    # A uid without an account gets gid 0, as the engine gives it; an unknown name: no user.
    assert runtime_user("4242", PASSWD, GROUP) == RuntimeUser("4242", 4242, frozenset({0}))
    assert runtime_user("ghost", PASSWD, GROUP) is None
    assert runtime_user("5000:5000", None, None) == RuntimeUser("5000", 5000, frozenset({5000}))
    broken = "app:x:oops:1000::/home/app:/bin/sh\nnot a line\n"
    assert runtime_user("app", broken, "g:x:nan:app\n") is None
    assert runtime_user("1000", broken, "g:x:nan:app\n") == RuntimeUser(
        "1000", 1000, frozenset({0})
    )


def test_owner_group_and_other_bits() -> None:
    app = RuntimeUser("app", 1000, frozenset({1000, 2000}))
    assert not permitted(app, 0, 0, 0o700, 1)  # root's home
    assert permitted(app, 0, 0, 0o755, 5)
    assert permitted(app, 1000, 1000, 0o700, 5)
    assert permitted(app, 0, 2000, 0o750, 5)  # through a supplementary group
    assert not permitted(app, 0, 0, 0o744, 1)  # readable, not executable
    assert permitted(RuntimeUser("root", 0, frozenset({0})), 1000, 1000, 0o700, 4)


def test_a_group_named_by_user_with_a_broken_gid_gives_no_group() -> None:
    odd = runtime_user("1000:g", "", "g:x:nan:app\n")
    assert odd == RuntimeUser("1000", 1000, frozenset())
