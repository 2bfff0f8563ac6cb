"""Documents -> fixed-length token-id windows, the unit the LSTM sees.

Training and serving both go through these functions, so a text is cut,
reversed and padded the same way in both.
"""
import numpy as np

from .text import tokenise
from .vocabulary import PAD_ID, Vocabulary


def split_windows(ids: list[int], length: int) -> list[list[int]]:
    """Consecutive, non-overlapping windows of at most `length` ids (none for an empty text)."""
    return [ids[start:start + length] for start in range(0, len(ids), length)]


def text_windows(text: str, vocabulary: Vocabulary, length: int) -> list[list[int]]:
    return split_windows(vocabulary.ids(tokenise(text)), length)


def pad(windows: list[list[int]], length: int, reverse: bool = False) -> np.ndarray:
    """Right-padded int32 matrix; with reverse, each window's real tokens are reversed first."""
    out = np.full((len(windows), length), PAD_ID, dtype=np.int32)
    for row, window in enumerate(windows):
        window = window[:length]
        out[row, :len(window)] = window[::-1] if reverse else window
    return out


def batch_windows(texts: list[str], vocabulary: Vocabulary, length: int) -> tuple[list[list[int]], np.ndarray]:
    """All windows of all texts, and for each window the index of its text."""
    windows, owners = [], []
    for i, text in enumerate(texts):
        for window in text_windows(text, vocabulary, length):
            windows.append(window)
            owners.append(i)
    return windows, np.asarray(owners, dtype=np.int64)
