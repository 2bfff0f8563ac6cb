"""A top-N vocabulary ordered by frequency, with reserved padding and unknown ids.

Frequency order matters twice: the vocabulary is deterministic for a corpus,
and the sampled-softmax candidate sampler assumes that id rank follows frequency.
"""
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

PAD_ID = 0
UNK_ID = 1
PAD_TOKEN = "<pad>"
UNK_TOKEN = "<unk>"


class Vocabulary:
    """Maps tokens to ids: 0 is padding, 1 is any word outside the top N, 2.. are words."""

    def __init__(self, words: list[str]):
        self.words = [PAD_TOKEN, UNK_TOKEN, *words]
        self._ids = {word: i for i, word in enumerate(self.words)}

    @classmethod
    def build(cls, token_lists: Iterable[list[str]], size: int, min_count: int = 1) -> "Vocabulary":
        """Keep the `size` most frequent tokens; ties broken alphabetically so the result is reproducible."""
        counts = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        ranked = sorted((item for item in counts.items() if item[1] >= min_count), key=lambda item: (-item[1], item[0]))
        return cls([word for word, _ in ranked[:size]])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, token: str) -> bool:
        return token in self._ids

    def id(self, token: str) -> int:
        return self._ids.get(token, UNK_ID)

    def ids(self, tokens: Iterable[str]) -> list[int]:
        return [self._ids.get(token, UNK_ID) for token in tokens]

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.words[2:], ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Vocabulary":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))
