"""Who is using the app: the key of their saved conversations (``ui/conversations.py``).

Sign-in (issue 16) replaces the body of :func:`current_user_id`; the conversation store makes any id
filesystem-safe, so an e-mail address or a name with diacritics is fine.
"""

from __future__ import annotations


def current_user_id() -> str:
    """The signed-in user's id; ``"local"`` while the app has no sign-in."""
    return "local"
