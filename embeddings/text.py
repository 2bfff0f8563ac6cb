"""Normalisation and tokenisation shared by training, encoding and the lexical rankers.

One tokeniser for everything, so that a word means the same token id at
training time, at query time and in the baselines we compare against.
"""
import re
import unicodedata

# Words are runs of letters (any script); numbers keep their inner separators
# ("1.13", "7,500") so that figures stay one token, as in GloVe.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def normalise(text: str) -> str:
    """Unicode-compatible, case-folded text (NFKC turns 'ﬁ' into 'fi', full-width digits into ASCII)."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)


def tokenise(text: str) -> list[str]:
    """Split text into lower-case word and number tokens; punctuation is dropped.

    A possessive "'s" is split off so that "Google's" and "Google" share a token.
    """
    tokens = []
    for token in _TOKEN.findall(normalise(text)):
        if token.endswith("'s"):
            token = token[:-2]
        tokens.append(token.replace("'", ""))
    return tokens
