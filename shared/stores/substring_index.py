"""The memory store's search index: which packages hold a substring, without reading them all.

The search rule (``shared.query.matches_query``) is substring matching over the normalized
name and the lower-cased summary. A term of three characters or more holds each of its
trigrams, so the packages holding the rarest of them are the only candidates; each candidate is
then checked with Python's own ``in``, so the answer is exactly the rule's.

A trigram's list of packages (its posting list) is built the first time a search needs it, by
one pass over all texts at C speed (``map``/``compress``: about 30 ms at 700,000 packages),
and then kept up to date by every write. A search builds at most one missing list, so no
search pays for more than one pass; a catalogue of 700,000 packages holds about 15,000
distinct trigrams, and building them all up front would cost every worker tens of seconds and
hundreds of megabytes (``docs/storage.md``). Terms under three characters scan all texts, in
one pass.

Packages are numbered by ``id``. Those loaded at start-up are numbered in name order, and
posting lists are kept sorted, so their matches come out in name order without a sort; only
packages created later (numbered after them) are sorted, and merged in.
"""

import heapq
from array import array
from bisect import bisect_left, insort
from itertools import compress, islice, repeat
from operator import contains

from shared.model import Package

TRIGRAM = 3


def searchable_text(package: Package) -> str:
    """What a term is looked for in; NUL, which no term holds, keeps the two fields apart."""
    return package.normalized_name + "\x00" + package.summary.lower()


def trigrams(text: str) -> list[str]:
    """Each distinct trigram of ``text``, in order of first appearance."""
    return list(dict.fromkeys(text[i : i + TRIGRAM] for i in range(len(text) - TRIGRAM + 1)))


class SubstringIndex:
    """Not thread-safe: the memory store calls it under its lock."""

    def __init__(self, packages_in_name_order: list[Package]) -> None:
        self._texts = [searchable_text(package) for package in packages_in_name_order]
        self._names = [package.normalized_name for package in packages_in_name_order]
        self._ids = {name: number for number, name in enumerate(self._names)}
        self._in_name_order = len(self._names)  # ids below this one are in name order
        self._postings: dict[str, array] = {}

    def add(self, package: Package) -> None:
        number = len(self._texts)
        self._texts.append(searchable_text(package))
        self._names.append(package.normalized_name)
        self._ids[package.normalized_name] = number
        for posting in self._built(trigrams(self._texts[number])):
            posting.append(number)  # the highest id: the list stays sorted

    def replace(self, package: Package) -> None:
        """The same package (same name) with new fields."""
        number = self._ids[package.normalized_name]
        old, new = self._texts[number], searchable_text(package)
        if old == new:
            return
        old_grams, new_grams = trigrams(old), trigrams(new)
        for posting in self._built([gram for gram in old_grams if gram not in new_grams]):
            posting.remove(number)
        for posting in self._built([gram for gram in new_grams if gram not in old_grams]):
            insort(posting, number)
        self._texts[number] = new

    def remove(self, normalized_name: str) -> None:
        number = self._ids.pop(normalized_name)
        for posting in self._built(trigrams(self._texts[number])):
            posting.remove(number)
        self._texts[number] = ""  # matches no term: every term has a character

    def search(self, needle: str, offset: int, limit: int) -> tuple[list[str], int]:
        """The names holding ``needle`` (already lower-cased), page ``offset``/``limit`` of
        them in name order, and how many there are."""
        texts = self._texts
        candidates = self._candidates(needle)
        if candidates is None:
            found = list(compress(range(len(texts)), map(contains, texts, repeat(needle))))
        else:
            holds = map(contains, map(texts.__getitem__, candidates), repeat(needle))
            found = list(compress(candidates, holds))
        later = bisect_left(found, self._in_name_order)
        if later == len(found):  # all loaded at start-up: in name order already
            page = [self._names[number] for number in found[offset : offset + limit]]
        else:
            loaded = map(self._names.__getitem__, found[:later])
            created = sorted(self._names[number] for number in found[later:])
            page = list(islice(heapq.merge(loaded, created), offset, offset + limit))
        return page, len(found)

    def _candidates(self, needle: str) -> array | None:
        """The shortest posting list among the needle's trigrams (building one that is
        missing), or None: scan everything."""
        grams = trigrams(needle)
        if not grams:
            return None
        missing = [gram for gram in grams if gram not in self._postings]
        if missing:
            self._postings[missing[0]] = self._scan(missing[0])
        return min(self._built(grams), key=len)

    def _scan(self, gram: str) -> array:
        texts = self._texts
        return array("i", compress(range(len(texts)), map(contains, texts, repeat(gram))))

    def _built(self, grams: list[str]) -> list[array]:
        return [self._postings[gram] for gram in grams if gram in self._postings]
