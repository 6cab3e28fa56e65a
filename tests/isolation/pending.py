"""Cases the probe cannot yet prove, each marked xfail(strict=True) with its reason.

This is a debt list, not an allow-list: every entry is a route/method that has no valid seed
yet (or a hole being fixed elsewhere). strict=True makes a case that starts passing fail until
its entry is removed here, so the list only shrinks. New routes never belong here: seed them.
"""

PENDING: dict[str, str] = {}
