"""Rebuild ``schemas/seal/names-v1.json``, the seal's static Huffman tables of names (docs/seal.md).

Run by hand, never at run time: a new table is a new seal format version.

    .venv/bin/python scripts/seal_names_table.py
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Final

from shahada.issuer.pv import synthetic_names as names
from shahada.schemas.reference import bundled_reference
from shahada.schemas.seal.names import EOS, ESC, MAX_CODE_LENGTH, TABLE_FILE, NameCode, Script


def build_lengths(counts: Mapping[str, int]) -> dict[str, int]:
    """Huffman code lengths for symbol counts, limited to 15 bits (counts are flattened until so)."""
    weights = {s: max(1, c) for s, c in counts.items()}
    while True:
        heap: list[tuple[int, int, list[str]]] = [(w, i, [s]) for i, (s, w) in enumerate(sorted(weights.items()))]
        heapq.heapify(heap)
        lengths: Counter[str] = Counter()
        tie = len(heap)
        while len(heap) > 1:
            w1, _, a = heapq.heappop(heap)
            w2, _, b = heapq.heappop(heap)
            for s in a + b:
                lengths[s] += 1
            tie += 1
            heapq.heappush(heap, (w1 + w2, tie, a + b))
        if max(lengths.values()) <= MAX_CODE_LENGTH:
            return dict(lengths)
        weights = {s: w // 2 + 1 for s, w in weights.items()}


LATIN_ALPHABET: Final = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ '-.()"
)
ARABIC_ALPHABET: Final = (
    "".join(chr(cp) for cp in range(0x0621, 0x063B))  # hamza … ghain
    + "".join(chr(cp) for cp in range(0x0640, 0x0653))  # tatweel, fa … ya, harakat, shadda, sukun
    + "\u0670\u06a9\u06ad\u06af\u06cc ()-"  # superscript alef, keheh, ng (ڭ), gaf, farsi ya
)


def corpus_counts(texts: Iterable[tuple[str, str]]) -> dict[Script, dict[str, int]]:
    """Character counts per script over (Latin, Arabic) pairs, every alphabet symbol counted once
    more (so that any of them codes in at most 15 bits), ``ESC`` and ``EOS`` once."""
    latin: Counter[str] = Counter(LATIN_ALPHABET)
    arabic: Counter[str] = Counter(ARABIC_ALPHABET)
    for fr, ar in texts:
        latin.update(ch for ch in fr if ch in LATIN_ALPHABET)
        arabic.update(ch for ch in ar if ch in ARABIC_ALPHABET)
    latin[ESC] = arabic[ESC] = latin[EOS] = arabic[EOS] = 1
    return {"latin": dict(latin), "arabic": dict(arabic)}


def _corpus() -> list[tuple[str, str]]:
    """Names and places of the synthetic PVs and the reference data's labels: letter statistics."""
    pairs = [*names.FAMILY_NAMES, *names.SOUTHERN_FAMILY_NAMES, *names.MALE_GIVEN_NAMES, *names.FEMALE_GIVEN_NAMES]
    pairs += [pair for places in names.PLACES.values() for pair in places]
    ref = bundled_reference()
    for labels in (ref.subjects, ref.academies, ref.options):
        pairs += [(label.fr, label.ar) for label in labels.values()]
    pairs += [(stream.name.fr, stream.name.ar) for stream in ref.streams.values()]
    return pairs


def _eos_longest(lengths: dict[str, int]) -> dict[str, int]:
    """Swap EOS's length with a longest code's (the code stays complete and as good)."""
    longest = max(lengths.values())
    if lengths[EOS] != longest:
        other = next(s for s, n in lengths.items() if n == longest)
        lengths[other], lengths[EOS] = lengths[EOS], longest
    return lengths


def main() -> None:
    """Rewrite ``names-v1.json`` from the corpus (a new table means a new seal format version)."""
    counts = corpus_counts(_corpus())
    table = {script: dict(sorted(_eos_longest(build_lengths(counts[script])).items())) for script in ("latin", "arabic")}
    for script, lengths in table.items():
        NameCode.from_lengths(script, lengths)  # type: ignore[arg-type]  # validates
    TABLE_FILE.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
