"""A small generated corpus where synonyms share contexts, so a tiny model can learn them.

Three topics; each draws words from groups of near-synonyms (car/automobile/
vehicle, ...), so a question can use words that its best document lacks.
"""
import random

TOPICS = {
    "cars": [["car", "automobile", "vehicle"], ["engine", "motor"], ["mechanic", "garage", "workshop"],
             ["motorway", "road", "highway"], ["tyres", "wheels", "brakes"], ["drive", "steer", "park"]],
    "cooking": [["bread", "loaf", "cake"], ["oven", "stove"], ["dough", "flour", "yeast"],
                ["bake", "cook", "roast"], ["kitchen", "bakery"], ["recipe", "ingredients"]],
    "music": [["orchestra", "band", "choir"], ["symphony", "concerto", "song"], ["violin", "cello", "guitar"],
              ["piano", "keyboard", "drums"], ["concert", "performance", "festival"], ["melody", "tune", "rhythm"]],
}
FILLER = ["the", "a", "and", "then", "with", "on", "in", "for", "we", "they", "our", "was", "is", "very", "new", "old"]

# One document per topic, and a question per document sharing none of its words.
DOCUMENTS = {
    "cars": "Our car broke down on the motorway. The mechanic replaced the engine oil and the tyres "
            "before we could drive home.",
    "cooking": "Bake the bread in a hot oven. Knead the dough with flour, water and yeast, then let it rise "
               "for an hour.",
    "music": "The orchestra played a symphony. The violin and the piano carried the melody through the "
             "concert hall.",
}
QUESTIONS = {"cars": "automobile garage", "cooking": "loaf recipe", "music": "guitar song"}


def training_texts(n: int = 300, seed: int = 0) -> list[str]:
    """Generated texts of 30-50 words, each mostly drawn from one topic's word groups."""
    rng = random.Random(seed)
    topics = list(TOPICS.values())
    texts = []
    for i in range(n):
        groups = topics[i % len(topics)]
        words = [rng.choice(rng.choice(groups)) if rng.random() < 0.55 else rng.choice(FILLER)
                 for _ in range(rng.randint(30, 50))]
        texts.append(" ".join(words) + ".")
    return texts + list(DOCUMENTS.values())
