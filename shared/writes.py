"""What a ``PUT``, ``PATCH`` or ``DELETE`` does to the current package, as pure functions.

The store runs them while it holds the row (a lock, or a transaction), so the ``If-Match``
check (412) and the write happen as one step, after the existence check (404) and before the
rules (422): the order API.md gives.
"""

from functools import partial

from shared.bodies import package_etag
from shared.codec import JsonCodec
from shared.conditional import require_if_match
from shared.model import Package, merge_patch, replacement_from_body
from shared.stores.base import Change, Check


def _check_if_match(codec: JsonCodec, if_match: str | None, current: Package) -> None:
    if if_match is not None:
        require_if_match(if_match, package_etag(codec, current))


def _replace(codec: JsonCodec, fields: dict, if_match: str | None, current: Package) -> Package:
    _check_if_match(codec, if_match, current)
    return replacement_from_body(fields, current.normalized_name)


def _patch(codec: JsonCodec, patch: dict, if_match: str | None, current: Package) -> Package:
    _check_if_match(codec, if_match, current)
    return merge_patch(current, patch)


def replace_with(codec: JsonCodec, fields: dict, if_match: str | None) -> Change:
    return partial(_replace, codec, fields, if_match)


def patch_with(codec: JsonCodec, patch: dict, if_match: str | None) -> Change:
    return partial(_patch, codec, patch, if_match)


def delete_if_match(codec: JsonCodec, if_match: str | None) -> Check:
    return partial(_check_if_match, codec, if_match)
