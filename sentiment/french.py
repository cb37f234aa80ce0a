"""French VADER-style lexicon scorer: Pattern's PDDL adjective lexicon plus our own social-media lexicon."""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

LEXICON_VERSION = "fr-lex-1"

# VADER constants, reused so French and English scores live on the same scale.
B_INCR = 0.293
N_SCALAR = -0.74
EXCL_INCR = 0.292
CAPS_INCR = 0.733
ALPHA = 15.0
# Pattern polarities are in [-1, 1]; VADER word valences in [-4, 4] with strong words near 3.
PATTERN_SCALE = 3.0
# Weak Pattern adjectives ("grand", "petit", "nouveau") tip neutral comments into positive.
PATTERN_MIN_ABS = 0.4
# A negated clause with no sentiment word ("ne tient pas", "n'est pas arrivée") is
# nearly always a complaint on brand pages.
BARE_NEGATION = -0.9
# Questions on brand pages are mostly requests for information.
QUESTION_DAMPING = 0.5

# fmt: off
# Own lexicon (Apache-2.0, written for this project). Valences on the VADER scale.
OWN_LEXICON: dict[str, float] = {
    # positive
    "adore": 3.0, "adoré": 3.0, "adorée": 3.0, "adorer": 3.0, "adorable": 2.5, "adorables": 2.5,
    "aime": 2.0, "aimé": 2.0, "aimer": 2.0, "aimons": 2.0, "aimez": 2.0,
    "kiffe": 2.5, "kiffé": 2.5, "kiffer": 2.5, "kif": 2.0,
    "top": 2.5, "génial": 3.0, "géniale": 3.0, "géniaux": 3.0, "géniales": 3.0,
    "parfait": 2.8, "parfaite": 2.8, "parfaits": 2.8, "parfaites": 2.8, "parfaitement": 2.2,
    "nickel": 2.5, "impeccable": 2.8, "impeccables": 2.8,
    "excellent": 3.0, "excellente": 3.0, "excellents": 3.0, "excellentes": 3.0,
    "super": 2.5, "superbe": 3.0, "superbes": 3.0, "bravo": 2.5, "merci": 1.5, "mercii": 1.5,
    "recommande": 2.2, "recommandé": 2.2, "recommandée": 2.2, "recommander": 2.2, "conseille": 1.5,
    "ravi": 2.8, "ravie": 2.8, "ravis": 2.8, "content": 2.2, "contente": 2.2, "contents": 2.2,
    "satisfait": 2.0, "satisfaite": 2.0, "satisfaits": 2.0, "fan": 2.0, "ouf": 2.0,
    "stylé": 2.5, "stylée": 2.5, "canon": 2.5, "sublime": 3.0, "sublimes": 3.0,
    "magnifique": 3.0, "magnifiques": 3.0, "délicieux": 3.0, "délicieuse": 3.0, "délicieuses": 3.0,
    "savoureux": 2.5, "savoureuse": 2.5, "divin": 3.0, "divine": 3.0, "divines": 3.0,
    "pépite": 2.5, "tuerie": 3.0, "merveille": 3.0, "merveilleux": 3.0, "bluffant": 2.5,
    "inoubliable": 3.0, "conquis": 2.5, "conquise": 2.5, "efficace": 2.0, "efficaces": 2.0,
    "chaleureux": 2.2, "chaleureuse": 2.2, "sympa": 2.0, "sympas": 2.0, "valide": 1.5,
    "hâte": 1.8, "bon": 1.9, "bonne": 1.9, "bons": 1.9, "bonnes": 1.9, "bien": 1.5,
    "meilleur": 2.5, "meilleure": 2.5, "meilleurs": 2.5, "meilleures": 2.5,
    "confortable": 2.0, "confortables": 2.0, "reviendra": 1.5, "reviendrai": 1.5, "reviendrons": 1.5,
    "repasserai": 1.5, "rachèterai": 1.5, "régale": 2.5, "régalé": 2.5, "régalés": 2.5,
    "belle": 2.4, "beau": 2.4, "beaux": 2.4, "belles": 2.4, "jolie": 2.2, "joli": 2.2,
    "douce": 1.2, "doux": 1.2, "tient": 0.8, "fonctionne": 0.8, "marche": 0.5,
    "passionnant": 2.5, "intéressante": 1.8, "intéressant": 1.8, "facile": 1.5, "gratuite": 1.0,
    "gratuit": 1.0, "soigné": 1.8, "soignée": 1.8, "sauvé": 2.0, "cadeau": 0.8,
    "chanmé": 2.5, "trognon": 2.0, "wahou": 2.2, "waouh": 2.2, "wow": 2.2, "yes": 1.5,
    # negative
    "nul": -2.5, "nulle": -2.5, "nuls": -2.5, "naze": -2.2, "bof": -1.5,
    "déçu": -2.5, "déçue": -2.5, "déçus": -2.5, "décevant": -2.5, "décevante": -2.5, "déception": -2.5,
    "arnaque": -3.0, "horrible": -3.0, "horribles": -3.0, "honte": -2.8, "lamentable": -3.0,
    "immonde": -3.2, "inadmissible": -3.0, "inacceptable": -3.0, "scandaleux": -3.0, "scandale": -3.0,
    "pire": -2.8, "catastrophe": -3.0, "cauchemar": -3.0, "déteste": -3.0, "détester": -3.0,
    "regrette": -2.0, "regret": -2.0, "pénible": -2.0, "pénibles": -2.0,
    "furieux": -3.0, "furieuse": -3.0, "énervé": -2.5, "énervée": -2.5, "moche": -2.5, "moches": -2.5,
    "fade": -1.8, "rassis": -2.0, "sale": -2.0, "sales": -2.0, "cassé": -2.0, "cassée": -2.0,
    "abîmé": -2.0, "abîmée": -2.0, "déchiré": -2.0, "déchirée": -2.0, "perdu": -1.5, "perdue": -1.5,
    "annulé": -1.5, "annulée": -1.5, "retard": -1.5, "impoli": -2.5, "impolie": -2.5,
    "désagréable": -2.5, "désagréables": -2.5, "méprisant": -2.5, "méprisante": -2.5,
    "mensonger": -2.5, "mensongère": -2.5, "abusé": -2.2, "pue": -2.5, "moquez": -2.0,
    "remboursez": -1.5, "rupture": -1.0, "problème": -1.5, "boutons": -1.0, "rougeurs": -1.2,
    "brûlé": -2.2, "gratte": -1.5, "collante": -1.2, "collant": -1.2, "inutile": -2.2,
    "médiocre": -2.5, "ridicule": -2.0, "ridicules": -2.0, "bizarre": -1.2, "mal": -2.0,
    "mauvais": -2.2, "mauvaise": -2.2, "erronée": -1.5, "erroné": -1.5, "inexistant": -2.0,
    "froid": -1.0, "froide": -1.0, "sec": -1.0, "molles": -1.2, "lent": -1.5, "lente": -1.5,
    "bruyant": -1.5, "cher": -1.2, "chère": -1.2, "chers": -1.2, "plante": -1.5, "triste": -2.0,
    "dommage": -1.8, "jeté": -1.2, "vide": -1.0, "impossible": -1.5, "galère": -2.0,
    "relou": -2.0, "claqué": -2.0, "éclaté": -2.0, "zéro": -1.5, "attention": -0.8,
    "convaincu": 1.8, "convaincue": 1.8, "grasse": -1.0, "gras": -1.0, "chimique": -1.2,
    "raté": -2.0, "ratée": -2.0,
    "dessèche": -1.8, "coule": -1.5, "s'écaille": -1.5, "écaille": -1.5,
}

# Multi-word expressions scored as a whole: they carry their own negation or reverse
# the meaning of their parts ("pas mal" is praise, "pas terrible" is criticism).
IDIOMS: dict[tuple[str, ...], float] = {
    ("pas", "terrible"): -1.8, ("pas", "top"): -1.8, ("pas", "ouf"): -1.8,
    ("pas", "mal"): 1.5, ("pas", "de", "souci"): 0.8, ("pas", "de", "problème"): 0.8,
    ("de", "ouf"): 2.2, ("coup", "de", "cœur"): 3.0, ("rien", "à", "redire"): 2.5,
    ("rien", "à", "dire"): 2.2, ("à", "éviter"): -2.8, ("plus", "jamais"): -2.5,
    ("merci", "pour", "rien"): -2.8, ("ras", "le", "bol"): -2.8, ("n'", "importe", "quoi"): -2.5,
    ("les", "yeux", "fermés"): 2.5, ("à", "tomber"): 2.8, ("petits", "soins"): 2.5,
    ("de", "pire", "en", "pire"): -3.0, ("de", "mieux", "en", "mieux"): 2.8,
    ("trop", "bien"): 3.0, ("trop", "bon"): 3.0, ("trop", "beau"): 3.0, ("trop", "belle"): 3.0,
    ("foutage", "de", "gueule"): -3.2, ("au", "top"): 2.8, ("top", "du", "top"): 3.2,
    ("chute", "libre"): -2.2, ("fait", "mal"): -1.5, ("font", "mal"): -1.5,
    ("aucun", "effet"): -2.0, ("pas", "normal"): -1.8, ("pas", "sérieux"): -2.0,
    ("pas", "bon"): -1.9, ("pas", "cher"): 1.5, ("pas", "chère"): 1.5, ("pas", "chers"): 1.5,
}
_MAX_IDIOM = max(len(k) for k in IDIOMS)

BOOSTERS: dict[str, float] = {
    "très": B_INCR, "trop": B_INCR, "vraiment": B_INCR, "tellement": B_INCR, "hyper": B_INCR,
    "super": B_INCR, "carrément": B_INCR, "vachement": B_INCR, "totalement": B_INCR,
    "complètement": B_INCR, "absolument": B_INCR, "extrêmement": B_INCR, "si": B_INCR,
    "tant": B_INCR, "énormément": B_INCR, "ultra": B_INCR, "grave": B_INCR, "beaucoup": B_INCR,
    "vivement": B_INCR, "peu": -B_INCR, "assez": -B_INCR, "plutôt": -B_INCR,
    "légèrement": -B_INCR, "moyennement": -B_INCR, "presque": -B_INCR,
}
# Slang boosters that follow the word they intensify ("je kiffe grave").
POST_BOOSTERS = {"grave", "beaucoup", "vivement", "trop"}

NEGATORS = {"pas", "jamais", "sans", "aucun", "aucune", "ni", "guère", "rien", "personne"}
NE = {"ne", "n'"}
AFTER_NE = {"pas", "jamais", "plus", "rien", "guère", "point", "aucun", "aucune"}

EMOJI: dict[str, float] = {
    "😍": 3.0, "🥰": 3.0, "❤": 2.8, "❤️": 2.8, "💕": 2.5, "💖": 2.5, "💯": 2.2, "👍": 2.0,
    "👌": 2.0, "👏": 2.2, "🙌": 2.2, "🙏": 1.5, "😊": 2.2, "☺": 2.0, "☺️": 2.0, "😀": 2.0,
    "😃": 2.0, "😄": 2.2, "😁": 2.0, "😘": 2.2, "🤩": 3.0, "✨": 1.2, "🔥": 2.0, "🤤": 2.0,
    "😋": 2.2, "💪": 1.5, "🎉": 2.0, "🥳": 2.5, "😎": 1.5, "💗": 2.5, "💓": 2.5, "💞": 2.5,
    "😂": 1.0, "🤣": 1.0, "😆": 1.5,
    "😡": -3.0, "😠": -2.8, "🤬": -3.2, "😤": -2.2, "👎": -2.5, "😞": -2.2, "😢": -2.2,
    "😭": -1.5, "🤮": -3.0, "🤢": -2.5, "💩": -2.5, "😒": -2.0, "🙄": -2.0, "😩": -2.0,
    "😫": -2.0, "😔": -2.0, "😕": -1.5, "🙁": -1.8, "☹": -2.0, "☹️": -2.0, "💔": -2.5, "😖": -2.0,
}
# fmt: on
_EMOJI_RE = re.compile("|".join(sorted(map(re.escape, EMOJI), key=len, reverse=True)))
_TOKEN_RE = re.compile(r"[^\W\d_]+'?|[\d]+|[!?]|[,;.:]", re.UNICODE)
# Clause boundaries: negation and boosters do not reach across them.
_BOUNDARY = ","
_ELISION_RE = re.compile(r"\b([cdjlmnst]|qu|jusqu|lorsqu|puisqu)'", re.IGNORECASE)


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def _pattern_lexicon_path() -> Path | None:
    spec = find_spec("textblob_fr")
    if spec is None or not spec.submodule_search_locations:
        return None
    # Read the data file without importing textblob_fr, which would import textblob and nltk.
    path = Path(list(spec.submodule_search_locations)[0]) / "fr-sentiment.xml"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, float]:
    """Merged lexicon, keyed by accented and accent-stripped lower-case forms."""
    sums: dict[str, list[float]] = {}
    path = _pattern_lexicon_path()
    if path is not None:
        for word in ET.parse(path).getroot().iter("word"):
            form = (word.get("form") or "").lower()
            if " " in form or not form:
                continue
            sums.setdefault(form, []).append(float(word.get("polarity") or 0.0))
    lex = {w: PATTERN_SCALE * (sum(v) / len(v)) for w, v in sums.items()}
    lex = {w: v for w, v in lex.items() if abs(v) >= PATTERN_SCALE * PATTERN_MIN_ABS}
    lex.update(OWN_LEXICON)
    for key, value in list(lex.items()):
        lex.setdefault(_strip_accents(key), value)
    return lex


def tokenize(text: str) -> list[str]:
    text = text.replace("’", "'").replace("`", "'")
    text = _ELISION_RE.sub(lambda m: m.group(1) + "' ", text)
    tokens = []
    for tok in _TOKEN_RE.findall(text):
        if tok in ",;.:":
            tok = _BOUNDARY
        tokens.append(tok if tok.endswith("'") or tok in "!?" else tok.rstrip("'"))
    return tokens


def _clause(window: list[str], keep: str) -> list[str]:
    """Cut a token window at the clause boundary nearest to the scored word."""
    if _BOUNDARY not in window:
        return window
    if keep == "tail":
        return window[len(window) - window[::-1].index(_BOUNDARY) :]
    return window[: window.index(_BOUNDARY)]


class FrenchLexiconScorer:
    """Stateless callable turning one French text into a compound score in [-1, 1]."""

    def __init__(self) -> None:
        self.lexicon = load_lexicon()

    def _lookup(self, word: str) -> float | None:
        value = self.lexicon.get(word)
        if value is None:
            value = self.lexicon.get(_strip_accents(word))
        return value

    def __call__(self, text: str) -> float:
        emoji_total = sum(EMOJI[m] for m in _EMOJI_RE.findall(text))
        raw_tokens = tokenize(text)
        words = [t for t in raw_tokens if t not in ("!", "?")]
        lower = [w.lower() for w in words]
        shouting = sum(w.isupper() and len(w) > 1 for w in words)
        mixed_case = 0 < shouting < len(words)

        # Words after "mais" carry the verdict, as VADER does with "but".
        but_at = lower.index("mais") if "mais" in lower else -1
        valences: list[float] = []
        negation_without_word = False
        i = 0
        while i < len(lower):
            matched = False
            for n in range(min(_MAX_IDIOM, len(lower) - i), 1, -1):
                key = tuple(lower[i : i + n])
                if key in IDIOMS:
                    valences.append(self._weigh(IDIOMS[key], i, but_at))
                    i += n
                    matched = True
                    break
            if matched:
                continue
            word = lower[i]
            value = self._lookup(word)
            # "super" and "trop" in front of a sentiment word are boosters, not sentiments.
            if (
                value is not None
                and word in BOOSTERS
                and i + 1 < len(lower)
                and self._lookup(lower[i + 1]) is not None
            ):
                value = None
            if value is None:
                if word in NE and any(t in AFTER_NE for t in lower[i + 1 : i + 5]):
                    window = lower[i + 1 : i + 6]
                    if not any(self._lookup(t) is not None for t in window):
                        negation_without_word = True
                i += 1
                continue
            value = self._boost(value, lower, i)
            if mixed_case and words[i].isupper() and len(words[i]) > 1:
                value += CAPS_INCR if value > 0 else -CAPS_INCR
            if self._negated(lower, i):
                value *= N_SCALAR
            valences.append(self._weigh(value, i, but_at))
            i += 1

        total = sum(valences) + emoji_total
        if negation_without_word and not valences:
            total += BARE_NEGATION
        if total == 0.0:
            return 0.0
        bangs = min(text.count("!"), 4)
        total += (bangs * EXCL_INCR) if total > 0 else -(bangs * EXCL_INCR)
        if text.rstrip().endswith("?") and "!" not in text:
            total *= QUESTION_DAMPING
        return total / math.sqrt(total * total + ALPHA)

    @staticmethod
    def _weigh(value: float, i: int, but_at: int) -> float:
        if but_at < 0:
            return value
        return value * (0.5 if i < but_at else 1.5)

    @staticmethod
    def _boost(value: float, lower: list[str], i: int) -> float:
        for distance, scale in ((1, 1.0), (2, 0.95), (3, 0.9)):
            j = i - distance
            if j < 0 or lower[j] == _BOUNDARY:
                break
            inc = BOOSTERS.get(lower[j])
            if inc is not None:
                value += math.copysign(inc * scale, value)
        if i + 1 < len(lower) and lower[i + 1] in POST_BOOSTERS:
            value += math.copysign(BOOSTERS[lower[i + 1]], value)
        return value

    def _negated(self, lower: list[str], i: int) -> bool:
        start = max(0, i - 3)
        before = _clause(lower[start:i], keep="tail")
        offset = i - len(before)
        for k, t in enumerate(before):
            # "sans doute" means "probably", not a negation.
            if t in NEGATORS and not (t == "sans" and lower[offset + k + 1 : offset + k + 2] == ["doute"]):
                return True
        # Spoken French drops "ne": "je recommande pas". Not when "pas" starts its own
        # phrase with a sentiment word ("bon, pas cher").
        if lower[i + 1 : i + 2] in (["pas"], ["jamais"]):
            nxt = lower[i + 2] if i + 2 < len(lower) else None
            if nxt is None or (self._lookup(nxt) is None and nxt != "de"):
                return True
        # "ne ... plus" negates, but bare "plus" is usually a comparative ("plus beau").
        if any(t in NE for t in before):
            after = _clause(lower[i + 1 : i + 3], keep="head")
            if any(t in AFTER_NE for t in after) or "plus" in before:
                return True
        return False
