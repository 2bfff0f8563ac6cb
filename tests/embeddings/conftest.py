import pytest

from embeddings.config import TrainingConfig

TOPICS = {
    "football": "the striker scored a late goal and the football club won the league match at the stadium",
    "markets": "shares fell on the stock market as investors sold bank bonds and the currency weakened",
    "space": "the rocket launched a satellite into orbit and astronauts docked with the space station",
    "cooking": "the chef baked fresh bread and simmered a tomato sauce with garlic in the kitchen",
}


def small_corpus(copies: int = 6) -> list[str]:
    """Short documents on four topics, each sentence repeated with variations."""
    texts = []
    for i in range(copies):
        for topic, sentence in TOPICS.items():
            words = sentence.split()
            texts.append(" ".join(words[i % 3:] + words[: i % 3]) + f" {topic}")
    return texts


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """One tiny trained model shared by the tests that only read it."""
    from embeddings.training import train_model

    return train_model(small_corpus(), tmp_path_factory.mktemp("models"), TrainingConfig.tiny(epochs=3))
