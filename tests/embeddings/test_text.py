from embeddings.text import normalise, tokenise
from embeddings.vocabulary import PAD_ID, UNK_ID, Vocabulary


def test_tokenise_folds_case_drops_punctuation_and_keeps_numbers_whole():
    assert tokenise("Profits JUMPED 76% to $1.13bn, (7,500 fans)!") == ["profits", "jumped", "76", "to", "1.13", "bn", "7,500", "fans"]


def test_tokenise_handles_unicode_forms_and_possessives():
    assert normalise("ﬁnance ＡＢＣ") == "finance abc"
    assert tokenise("Google’s café déjà-vu") == ["google", "café", "déjà", "vu"]
    assert tokenise("Москва и 東京") == ["москва", "и", "東京"]


def test_tokenise_of_punctuation_only_is_empty():
    assert tokenise("... -- !!! ") == []


def test_vocabulary_reserves_padding_and_unknown_and_keeps_top_n_by_frequency():
    vocab = Vocabulary.build([["b", "a", "b", "c"], ["b", "a", "d"]], size=2)
    assert vocab.words == ["<pad>", "<unk>", "b", "a"]
    assert vocab.ids(["a", "b", "zzz", "c"]) == [3, 2, UNK_ID, UNK_ID]
    assert PAD_ID == 0 and UNK_ID == 1
    assert len(vocab) == 4


def test_vocabulary_ties_are_broken_deterministically(tmp_path):
    first = Vocabulary.build([["x", "y", "z"]], size=3)
    second = Vocabulary.build([["z", "y", "x"]], size=3)
    assert first.words == second.words == ["<pad>", "<unk>", "x", "y", "z"]
    first.save(tmp_path / "vocab.json")
    assert Vocabulary.load(tmp_path / "vocab.json").words == first.words
