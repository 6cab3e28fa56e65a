"""Clusters from scored pairs, honouring people's decisions.

Greedy constrained linkage: confirmed links first, then edges at or above the threshold from the
strongest down, joined by union-find unless the join would put two records a person said are
different (``no_link``) into one cluster. Without decisions this is the connected components
Splink's own clustering gives at the same threshold."""

from collections.abc import Iterable


class Clusters:
    def __init__(self, ids: Iterable[int]):
        self.parent = {i: i for i in ids}
        self.size = dict.fromkeys(self.parent, 1)
        self.cannot: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        self.cannot.setdefault(a, set()).add(b)
        self.cannot.setdefault(b, set()).add(a)

    def _members_forbidden(self, ra: int, rb: int) -> bool:
        # Forbidden pairs are stored per root (moved on union).
        fa = self.cannot.get(ra)
        fb = self.cannot.get(rb)
        if not fa and not fb:
            return False
        if fa and any(self.find(x) == rb for x in fa):
            return True
        return bool(fb and any(self.find(x) == ra for x in fb))

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self._members_forbidden(ra, rb):
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        if rb in self.cannot:
            self.cannot.setdefault(ra, set()).update(self.cannot.pop(rb))
        return True

    def labels(self) -> dict[int, int]:
        return {i: self.find(i) for i in self.parent}


def cluster(
    ids: Iterable[int],
    pairs: Iterable[tuple[int, int, float]],
    threshold: float,
    *,
    links: Iterable[tuple[int, int]] = (),
    no_links: Iterable[tuple[int, int]] = (),
) -> dict[int, int]:
    """{record id: cluster label}. ``pairs`` are (id, id, match probability)."""
    clusters = Clusters(ids)
    for a, b in no_links:
        if a in clusters.parent and b in clusters.parent:
            clusters.forbid(clusters.find(a), clusters.find(b))
    for a, b in links:
        if a in clusters.parent and b in clusters.parent:
            clusters.union(a, b)
    strong = sorted((p for p in pairs if p[2] >= threshold), key=lambda p: -p[2])
    for a, b, _ in strong:
        clusters.union(a, b)
    return clusters.labels()
