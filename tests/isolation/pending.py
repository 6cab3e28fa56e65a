"""Cases the probe cannot yet prove, each marked xfail(strict=True) with its reason.

This is a debt list, not an allow-list: every entry is a route/method that has no valid seed
yet (or a hole being fixed elsewhere). strict=True makes a case that starts passing fail until
its entry is removed here, so the list only shrinks. New routes never belong here: seed them in
their app's tests/isolation.py (see tests/isolation/__init__.py).
"""

PENDING: dict[str, str] = {
    "tenant:POST:wagtailembeds:chooser_upload": (
        "the embed chooser fetches the URL from its oEmbed provider over the network, which the "
        "test machine cannot reach; offline the form only reports an error and saves nothing, "
        "so A's control cannot succeed"
    ),
    "tenant:POST:wagtaildocs:create_multiple_from_uploaded_document": (
        "Wagtail validates the new document before it attaches the kept upload, so the "
        "platform's document extension check refuses the empty file name (a 500, the owner's "
        "too); only reachable when a multiple upload is kept as an UploadedFile, which the "
        "platform's document form (no extra required fields) never does"
    ),
    "public:POST:admin:authtoken_tokenproxy_changelist": (
        "DRF's TokenProxy shows a token by its user's id while the changelist's action filters "
        "the real key, so the console's bulk delete selects nothing, the owner's too (a token's "
        "own delete page is probed and passes)"
    ),
}
