"""Login safety: lockout after repeated failures (django-axes), hashing, session expiry."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


def attempt(client, username, password, ip="192.0.2.10"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def test_lockout_after_repeated_failures(client):
    factories.user(
        username="alice", password="correct-horse-battery", intercos=[factories.interco()]
    )
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "alice", "wrong").status_code == 200  # the form again
    response = attempt(client, "alice", "wrong")
    assert response.status_code == 429
    # even the right password is refused while locked out
    response = attempt(client, "alice", "correct-horse-battery")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_ip(client):
    factories.user(
        username="alice", password="correct-horse-battery", intercos=[factories.interco()]
    )
    factories.user(username="bob", password="correct-horse-battery", intercos=[factories.interco()])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "alice", "wrong")
    # the same user from another address, and another user from the same address, still log in
    assert attempt(client, "bob", "correct-horse-battery").status_code == 302
    client.logout()
    response = attempt(client, "alice", "correct-horse-battery", ip="198.51.100.20")
    assert response.status_code == 302


def test_successful_login_resets_failures(client):
    factories.user(
        username="alice", password="correct-horse-battery", intercos=[factories.interco()]
    )
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", "correct-horse-battery").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", "correct-horse-battery").status_code == 302


def test_staff_sessions_expire():
    from essmap.settings import base

    assert base.SESSION_COOKIE_AGE <= 60 * 60 * 24 * 14
    assert base.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_passwords_hashed_with_a_slow_hasher():
    from essmap.settings import base

    hasher = base.PASSWORD_HASHERS[0]
    assert hasher.endswith(("Argon2PasswordHasher", "PBKDF2PasswordHasher"))


def test_password_is_not_stored_in_clear(client):
    user = factories.user(
        username="alice", password="correct-horse-battery", intercos=[factories.interco()]
    )
    assert user.password != "correct-horse-battery"
    assert identify_hasher(user.password).algorithm


def test_admin_requires_login(client):
    response = client.get(reverse("admin:initiatives_initiative_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_lockout_itself_is_rate_limited_per_address(client, settings):
    # One address trying many usernames (or locking many users out) is stopped as a whole,
    # while another address still logs in.
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    factories.user(
        username="carol", password="correct-horse-battery", intercos=[factories.interco()]
    )
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        assert attempt(client, f"user{n}", "wrong").status_code == 200
    response = attempt(client, "carol", "correct-horse-battery")
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.LOGIN_FAILURE_WINDOW)
    assert "_auth_user_id" not in client.session
    assert attempt(client, "carol", "correct-horse-battery", ip="198.51.100.30").status_code == 302


def test_failed_logins_per_address_fail_open_without_the_cache(client, settings):
    # The counter lives in the cache: with Redis down, logins are not refused by it.
    settings.LOGIN_FAILURES_PER_ADDRESS = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    factories.user(
        username="dave", password="correct-horse-battery", intercos=[factories.interco()]
    )
    attempt(client, "someone", "wrong")
    assert attempt(client, "dave", "correct-horse-battery").status_code == 302
