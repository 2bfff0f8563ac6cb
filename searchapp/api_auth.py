"""API tokens: signed user ids, so no token table is needed; changing the user's password revokes them all.

A token is `signing.dumps` of the user id and a digest of the password hash,
with a salt of its own, so it can be neither forged nor reused after a
password change or deactivation.
"""
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "searchapp.api-token"


def _password_digest(user) -> str:
    return salted_hmac(SALT, user.password).hexdigest()[:16]


def make_token(user) -> str:
    return signing.dumps({"user": user.pk, "password": _password_digest(user)}, salt=SALT, compress=True)


def user_for_token(token: str):
    """The active user the token was made for, or None when it is forged, damaged or revoked."""
    try:
        claims = signing.loads(token, salt=SALT)
        user = get_user_model().objects.get(pk=claims["user"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, get_user_model().DoesNotExist):
        return None
    return user if claims.get("password") == _password_digest(user) else None
