"""The id of the user of the current browser session, for data that belongs to a user.

Saved conversations (``ui/conversations.py``, which makes any id safe as a folder name) and feedback
records are keyed by it, so nobody sees another user's data.
"""

from __future__ import annotations

from ui.auth import current_user

ANONYMOUS_ID = "anonymous"  # signed out (or no session): owns nothing, sees nothing


def current_user_id() -> str:
    """``"local"`` without sign-in; else ``"user:<name>"`` (local user) or ``"oidc:<e-mail>"``.

    Stable across sessions of the same person. Signed out, or with no Streamlit session to ask, it is
    ``"anonymous"`` (fails closed: never another user's id).
    """
    import streamlit as st

    try:
        user = current_user(st)
    except Exception:  # no script run context (e.g. a plain Python call outside the app)
        return ANONYMOUS_ID
    return user.id if user is not None else ANONYMOUS_ID
