"""The phrase bank of the simulated audience: comments composed from parts, in French and English.

A comment is an optional opener, a body about a product or the post (templates whose slots take a product,
an adjective agreed with it, a size, a city, a friend's first name...), an optional closer, an optional
emoji and an ending, in the register of brand-page comments. Every choice is drawn from the generator the
caller passes, so a comment is a pure function of that generator's state (same seed, same bytes).

The parts are written for the warehouse's own scorers (docs/sentiment.md: VADER for English, the French
lexicon scorer): a positive part never carries a word those score as negative, and the other way round
(English "drop", "fire" and 🔥, "support", "fit" are avoided where they would tip a label; French
"qualité", "première", "amie", "cadeau", "valable" score positive). Neutral comments are questions and
remarks without sentiment words, so neither "merci" nor "thanks" closes them. Crisis comments are
complaints of their own (silence of the brand, orders never delivered, deleted comments) and always end
on a strongly negative closer.

    compose(rng, "fr", "positive")   -> "Franchement, cette crème est tellement sublime, je recommande 😍"
    compose(rng, "en", "negative", crisis=True)
    brand_reply(rng, "en", "neutral") -> the brand's answer to a question
"""

from __future__ import annotations

import itertools
import random
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

LANGUAGES = ("fr", "en")
SENTIMENTS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Thing:
    """A product or a part of the post, with the forms templates agree with."""

    this: str  # "cette crème" / "these boots"
    the: str  # "la crème" / "the boots"
    number: str  # fr: ms, fs, mp, fp; en: sg, pl
    kind: str = "post"  # products: wear | use; the post: post; features: the product kind they fit, or any


@dataclass(frozen=True)
class Bank:
    """The parts of one language and sentiment; bodies are templates with {slots}."""

    bodies: tuple[str, ...]  # about a product
    post_bodies: tuple[str, ...] = ()  # about the post itself (the photo, the video)
    free_bodies: tuple[str, ...] = ()  # about nothing in particular
    short: tuple[str, ...] = ()  # stock one-liners
    openers: tuple[str, ...] = ()
    closers: tuple[str, ...] = ()
    emoji: tuple[str, ...] = ()
    endings: tuple[str, ...] = ("",)
    p_short: float = 0.1
    p_opener: float = 0.3
    p_closer: float = 0.45
    p_emoji: float = 0.4
    weights: tuple[float, float, float] = (0.7, 0.15, 0.15)  # product, post, free bodies


# ---------------------------------------------------------------------------------------------------------
# French
# ---------------------------------------------------------------------------------------------------------

FR_PRODUCTS = (
    Thing("ce pull", "le pull", "ms", "wear"), Thing("ce manteau", "le manteau", "ms", "wear"),
    Thing("ce trench", "le trench", "ms", "wear"), Thing("ce foulard", "le foulard", "ms", "wear"),
    Thing("ce sac", "le sac", "ms", "wear"), Thing("ce cardigan", "le cardigan", "ms", "wear"),
    Thing("cette robe", "la robe", "fs", "wear"), Thing("cette veste", "la veste", "fs", "wear"),
    Thing("cette écharpe", "l'écharpe", "fs", "wear"), Thing("cette jupe", "la jupe", "fs", "wear"),
    Thing("cette chemise", "la chemise", "fs", "wear"), Thing("ces bottines", "les bottines", "fp", "wear"),
    Thing("ces boucles d'oreilles", "les boucles d'oreilles", "fp", "wear"),
    Thing("ces gants", "les gants", "mp", "wear"), Thing("ces bijoux", "les bijoux", "mp", "wear"),
    Thing("ce sérum", "le sérum", "ms", "use"), Thing("ce parfum", "le parfum", "ms", "use"),
    Thing("ce mascara", "le mascara", "ms", "use"), Thing("ce baume", "le baume", "ms", "use"),
    Thing("ce fond de teint", "le fond de teint", "ms", "use"),
    Thing("ce rouge à lèvres", "le rouge à lèvres", "ms", "use"),
    Thing("cette crème", "la crème", "fs", "use"), Thing("cette palette", "la palette", "fs", "use"),
    Thing("cette huile", "l'huile", "fs", "use"), Thing("cette bougie", "la bougie", "fs", "use"),
    Thing("cette brume", "la brume", "fs", "use"), Thing("ces patchs", "les patchs", "mp", "use"),
)
FR_POST = (
    Thing("cette photo", "la photo", "fs"), Thing("cette vidéo", "la vidéo", "fs"),
    Thing("ce post", "le post", "ms"), Thing("ce shooting", "le shooting", "ms"),
    Thing("cette collection", "la collection", "fs"), Thing("cette campagne", "la campagne", "fs"),
    Thing("cette mise en scène", "la mise en scène", "fs"), Thing("ces couleurs", "les couleurs", "fp"),
    Thing("ce reel", "le reel", "ms"), Thing("ces visuels", "les visuels", "mp"),
)
FR_FEATURES = (
    Thing("la texture", "la texture", "fs", "use"), Thing("la couleur", "la couleur", "fs", "any"),
    Thing("le rendu", "le rendu", "ms", "use"), Thing("l'odeur", "l'odeur", "fs", "use"),
    Thing("la coupe", "la coupe", "fs", "wear"), Thing("la matière", "la matière", "fs", "wear"),
    Thing("les finitions", "les finitions", "fp", "any"), Thing("le tombé", "le tombé", "ms", "wear"),
    Thing("le packaging", "le packaging", "ms", "use"), Thing("les coutures", "les coutures", "fp", "wear"),
    Thing("la tenue", "la tenue", "fs", "use"), Thing("le flacon", "le flacon", "ms", "use"),
)


def _fr_adj(ms: str, fs: str | None = None, mp: str | None = None, fp: str | None = None,
            without: tuple[str, ...] = ()) -> dict[str, str | None]:
    """An adjective's four forms; an invariable one ("top", "canon") gives one form. The forms in `without`
    (ms, fs, mp, fp) are left out: the French scorer does not know them ("nulles", "décevants")."""
    fs = fs or ms
    forms = {"ms": ms, "fs": fs, "mp": mp or (ms if ms.endswith(("s", "x")) or " " in ms else ms + "s"),
             "fp": fp or (fs if fs.endswith("s") or " " in fs else fs + "s")}
    return {number: None if number in without else form for number, form in forms.items()}


_SINGULAR = ("mp", "fp")
FR_POSITIVE_ADJ = tuple(_fr_adj(*forms) for forms in (
    ("magnifique",), ("sublime",), ("superbe",), ("splendide",), ("parfait", "parfaite"),
    ("génial", "géniale", "géniaux", "géniales"), ("canon", "canon", "canon", "canon"),
    ("top", "top", "top", "top"), ("incroyable",), ("impeccable",), ("beau", "belle", "beaux", "belles"),
    ("joli", "jolie"), ("excellent", "excellente"), ("stylé", "stylée", None, None, _SINGULAR), ("au top",),
    ("trop bien",), ("divin", "divine"), ("sublime",), ("parfait", "parfaite"),
))
FR_POST_ADJ = tuple(_fr_adj(*forms) for forms in (
    ("magnifique",), ("sublime",), ("superbe",), ("splendide",), ("canon", "canon", "canon", "canon"),
    ("top", "top", "top", "top"), ("incroyable",), ("beau", "belle", "beaux", "belles"), ("joli", "jolie"),
    ("génial", "géniale", "géniaux", "géniales"), ("au top",), ("stylé", "stylée", None, None, _SINGULAR),
))
FR_NEGATIVE_ADJ = tuple(_fr_adj(*forms) for forms in (
    ("décevant", "décevante", None, None, _SINGULAR), ("nul", "nulle", None, None, ("fp",)), ("horrible",),
    ("médiocre",), ("moche",), ("raté", "ratée"), ("pas terrible",), ("pas top",), ("à éviter",),
    ("immonde", None, None, None, _SINGULAR), ("lamentable", None, None, None, _SINGULAR), ("ridicule",),
    ("mauvais", "mauvaise", "mauvais", "mauvaises"),
))
FR_BOOSTERS = ("vraiment", "trop", "tellement", "hyper", "super", "vraiment", "carrément", "absolument")
# Before a negative adjective: "super" and "trop" would read as praise in front of "pas terrible".
FR_NEGATIVE_BOOSTERS = ("vraiment", "tellement", "carrément", "complètement", "absolument", "franchement")

FR_SLOTS = {
    "rel": ("ma mère", "ma sœur", "ma fille", "mon copain", "mon mari", "ma femme", "ma coloc", "ma cousine",
            "ma tante", "ma marraine", "mon fils", "ma voisine"),
    "name": ("Léa", "Camille", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Lucie", "Emma", "Zoé", "Jade",
             "Louise", "Hugo", "Thomas", "Lucas", "Nina", "Margaux", "Pauline", "Anaïs", "Mathilde"),
    "size": ("XS", "S", "M", "L", "XL", "34", "36", "38", "40", "42", "44"),
    "color": ("noir", "beige", "bleu marine", "vert sapin", "bordeaux", "camel", "écru", "rose poudré",
              "gris chiné", "lavande", "terracotta", "kaki"),
    "city": ("Lyon", "Marseille", "Bordeaux", "Lille", "Nantes", "Toulouse", "Strasbourg", "Rennes", "Nice",
             "Montpellier", "Dijon", "Annecy"),
    "country": ("en Belgique", "en Suisse", "au Canada", "au Luxembourg", "en Espagne", "en Italie",
                "en Allemagne", "au Maroc", "à la Réunion", "en Guadeloupe"),
    "height": ("1m55", "1m58", "1m60", "1m63", "1m65", "1m68", "1m70", "1m72", "1m75", "1m80"),
    "day": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "n": ("deux", "trois", "quatre", "cinq", "six"),
    "when": ("hier", "ce matin", "avant-hier", "la semaine dernière", "samedi", "lundi"),
}

FR = {
    "positive": Bank(
        bodies=(
            "j'adore {p}", "{p} {est} {pos}", "{p} {est} {adv} {pos}", "{le} {est} {adv} {pos}",
            "coup de cœur pour {p}", "gros coup de cœur pour {p}", "je suis fan de {p}", "je kiffe {p}",
            "reçu{e} {when}, {il} {est} {adv} {pos}", "{use} {p} tous les jours, {il} {est} {pos}",
            "ça fait un mois que {use} {p} et je suis ravi{w}", "{rel} adore {p}",
            "deuxième fois que je commande {p}, toujours aussi {pos}", "je recommande {p} les yeux fermés",
            "rien à redire, {le} {est} {pos}", "{le} {est} devenu{e} {mon} indispensable{s}",
            "{ft} {ftest} {ftpos}", "{ft} de {p} {ftest} {adv} {ftpos}", "commandé{e} {when}, {il} {est} {pos}",
            "je {lai} offert{e} à {rel}, {pos} !", "wear:{p} en {color} {est} {pos}",
            "wear:j'ai craqué pour {p} en {color}, {adv} {pos}", "{p}, une vraie pépite",
            "{le} {est} encore plus {pos} en vrai", "{le} {est} {pos}, je suis conquis{w}",
            "trop content{w} de {p}", "{ft} {ftest} parfait{fte}, bravo",
        ),
        post_bodies=(
            "{p} {est} {adv} {pos}", "{p} {est} {pos}", "j'adore {p}", "{le} {est} {pos}",
            "trop {pos} {p}", "{p}, ça donne envie de tout commander, {pos}",
            "vous avez fait très fort avec {p}, bravo",
            "{le} {est} {pos}, bravo aux équipes",
        ),
        free_bodies=(
            "meilleur achat de l'année", "je suis fan de cette marque", "toujours au top",
            "vous êtes les meilleurs", "service client au top", "livraison rapide et colis soigné, parfait",
            "rien à dire, c'est parfait", "toujours de mieux en mieux cette marque", "le top du top, merci",
            "une marque au top",
        ),
        short=("Magnifique", "Trop beau", "Trop belle", "J'adore", "Canon", "C'est sublime", "Trop bien",
               "Au top", "C'est génial", "Je valide à fond", "Coup de cœur", "Bravo à vous", "J'adore tout",
               "Parfait comme toujours", "Trop stylé", "Vraiment magnifique", "Je suis fan de cette marque"),
        openers=("Waouh !", "Wahou,", "Alors là,", "Franchement,", "Honnêtement,", "Oh", "Ahh", "Bon,",
                 "Mon dieu", "Sérieux,", "J'avoue,", "Bravo,", "Trop bien,"),
        closers=("je recommande", "bravo à l'équipe", "merci", "vivement la suite", "foncez",
                 "à tester absolument", "merci pour cette pépite", "10/10", "je valide", "je suis conquis{w}",
                 "je suis fan", "merci {brand}", "je recommande à 100%", "hâte de voir la suite",
                 "je rachèterai", "vous êtes au top", "trop content{w}", "je kiffe"),
        emoji=("😍", "❤️", "🥰", "👏", "🔥", "✨", "💕", "🙌", "😊", "🤩", "💯", "👌", "😍😍", "❤️❤️", "😍🔥",
               "👏👏", "🥰✨"),
        endings=("", "", "!", "!!", " !", "."),
        p_short=0.12, p_opener=0.25, p_closer=0.45, p_emoji=0.5, weights=(0.68, 0.2, 0.12),
    ),
    "negative": Bank(
        bodies=(
            "très déçu{w} par {p}", "{p} {est} {neg}", "{le} {est} {adv} {neg}", "déçu{w} de {p}",
            "{le} {est} {neg}, je ne recommande pas", "wear:{le} {a} bouloché en {n} lavages, quelle déception",
            "j'ai reçu {p} abîmé{e}, inadmissible", "use:j'ai eu des rougeurs avec {p}, à éviter",
            "beaucoup trop cher pour ce que c'est", "{ft} n'a rien à voir avec la photo, déçu{w}",
            "wear:{le} {sest} déchiré{e} au bout de {n} semaines, quelle déception", "{ft} de {p} {ftest} {ftneg}",
            "commandé{e} il y a {n} semaines et toujours rien, inadmissible", "{p}, ça ne vaut pas le prix, déçu{w}",
            "j'ai renvoyé {p}, {ft} {ftest} {ftneg}", "use:{use} {p} depuis {n} semaines, aucun effet, déçu{w}",
            "wear:{p} en {color} {est} {neg} en vrai", "{p}, ça ne ressemble pas du tout à la photo, arnaque",
            "{le} {est} arrivé{e} cassé{e}, horrible", "remboursez-moi {p}, c'est n'importe quoi",
        ),
        post_bodies=(
            "vous postez {p} alors que mes commandes n'arrivent pas, honteux",
            "{p} {est} {neg}", "jolie photo mais la réalité est décevante",
        ),
        free_bodies=(
            "colis perdu et service client injoignable, c'est honteux", "plus jamais je commande chez vous",
            "ma commande a été annulée sans aucune explication, c'est inadmissible", "qualité en chute libre, dommage",
            "{n} semaines sans réponse du service client, lamentable", "de pire en pire cette marque",
            "livraison en retard de {n} semaines, n'importe quoi", "retour refusé, c'est scandaleux",
            "service client désagréable et méprisant", "mon colis est arrivé abîmé, déçu{w}",
        ),
        short=("Très déçu{w}", "C'est une arnaque", "Bof, pas terrible", "Franchement c'est nul",
               "Pas terrible du tout", "À éviter", "Quelle déception", "Plus jamais chez vous", "C'est honteux",
               "Vraiment décevant"),
        openers=("Franchement,", "Sérieusement,", "Honnêtement,", "Encore une fois,", "Alors",
                 "Pfff,", "Bref,"),
        closers=("je ne recommande pas", "à éviter", "plus jamais", "remboursez-moi", "c'est honteux",
                 "inadmissible", "quelle déception", "très déçu{w}", "n'importe quoi", "ras le bol",
                 "vous vous moquez de nous", "c'est scandaleux", "lamentable"),
        emoji=("😡", "😤", "👎", "😞", "🙄", "😒", "😢", "🤬", "😠", "😡😡", "👎👎"),
        endings=("", "", ".", "!", "...", " !"),
        p_short=0.08, p_opener=0.2, p_closer=0.4, p_emoji=0.4, weights=(0.65, 0.05, 0.3),
    ),
    "neutral": Bank(
        bodies=(
            "c'est disponible en {size} ?", "wear:vous avez {p} en {color} ?", "quel est le prix de {p} ?",
            "wear:{p} taille comment ?", "wear:vous faites {p} en {color} ?", "wear:vous avez {p} en taille {size} ?",
            "use:{p} convient aux peaux sensibles ?", "use:{le} {est} testé{e} sous contrôle dermatologique ?",
            "use:{p} contient de l'alcool ?", "use:il y a combien de teintes pour {p} ?",
            "quelle taille pour {height} ?", "quelle est la composition de {p} ?",
            "{le} {est} bientôt de retour en stock ?", "{p} {est} dispo à {city} ?",
            "c'est quelle teinte sur la photo ?", "on peut retirer {p} en boutique ?",
            "wear:il reste {p} en {size} ?", "{name} regarde {p} pour la rentrée", "{name} tu en penses quoi de {p} ?",
            "{name} pour {rel} ?", "j'avais vu {p} en vitrine à {city}", "wear:{le} {est} en coton ?",
            "wear:on peut laver {le} en machine ?", "c'est la même référence que l'an dernier ?",
        ),
        post_bodies=(
            "c'est quelle référence sur {p} ?", "{p}, c'est tourné où ?", "c'est à {city} {p} ?",
            "{name} regarde {p}, c'est la boutique de {city}", "on trouve la tenue de {p} en boutique ?",
        ),
        free_bodies=(
            "vous livrez {country} ?", "livraison possible {country} ?", "combien de temps pour la livraison ?",
            "la boutique de {city} est ouverte le {day} ?", "c'est pour quand la prochaine collection ?",
            "vous faites des échantillons ?", "je passe en boutique {day}", "{name} on passe à la boutique {day} ?",
            "il y a une boutique à {city} ?", "les retours sont possibles en boutique ?",
            "c'est fabriqué où ?", "le code de la newsletter passe en boutique ?",
            "commandé {when}, j'attends la livraison", "{name} c'est ce que je te disais",
        ),
        openers=("Bonjour,", "Hello,", "Coucou,", "Petite question :", "Question :", "Bonsoir,", "Salut,"),
        closers=(),
        emoji=("🤔", "👀", "🛍️"),
        p_short=0.0, p_opener=0.3, p_closer=0.0, p_emoji=0.08, weights=(0.55, 0.15, 0.3),
    ),
}

FR_CRISIS = Bank(
    bodies=(
        "toujours aucune réponse pour {p}, c'est un scandale",
        "{p} commandé{e} il y a {n} semaines et jamais reçu{e}, arnaque",
        "{le} {est} {neg} et personne ne répond, honteux",
        "même problème avec {p}, remboursez-nous",
    ),
    free_bodies=(
        "toujours aucune réponse, c'est un scandale", "je ne suis visiblement pas la seule, c'est honteux",
        "vous supprimez les commentaires maintenant ? lamentable",
        "des centaines de clients arnaqués et aucun mot de votre part",
        "répondez à vos clients au lieu de poster, c'est inadmissible",
        "même problème ici, commande payée et jamais reçue, arnaque", "vous vous moquez de nous",
        "honte à vous, rendez l'argent", "boycott, plus jamais je commande chez vous",
        "ça fait {n} semaines que j'attends mon remboursement, scandaleux",
        "le service client ne répond plus, c'est honteux",
        "on attend toujours vos explications, c'est lamentable", "arnaque totale, je préviens tout le monde",
    ),
    closers=("c'est honteux", "scandaleux", "inadmissible", "remboursez-nous", "arnaque", "plus jamais",
             "lamentable", "honte à vous", "vous vous moquez de nous", "ras le bol", "c'est une catastrophe"),
    emoji=("😡", "🤬", "😠", "😤", "👎", "😡😡", "🤬🤬"),
    endings=("", "", "!", "!!", " !", "."),
    p_opener=0.0, p_closer=1.0, p_emoji=0.55, weights=(0.35, 0.0, 0.65),
)


# ---------------------------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------------------------

EN_PRODUCTS = (
    Thing("this jacket", "the jacket", "sg", "wear"), Thing("this rain shell", "the rain shell", "sg", "wear"),
    Thing("this fleece", "the fleece", "sg", "wear"), Thing("this beanie", "the beanie", "sg", "wear"),
    Thing("this parka", "the parka", "sg", "wear"), Thing("this hoodie", "the hoodie", "sg", "wear"),
    Thing("this vest", "the vest", "sg", "wear"), Thing("this flannel", "the flannel", "sg", "wear"),
    Thing("this puffer", "the puffer", "sg", "wear"), Thing("these boots", "the boots", "pl", "wear"),
    Thing("these gloves", "the gloves", "pl", "wear"), Thing("these hiking socks", "the hiking socks", "pl", "wear"),
    Thing("these trail runners", "the trail runners", "pl", "wear"),
    Thing("these hiking pants", "the hiking pants", "pl", "wear"), Thing("this backpack", "the backpack", "sg", "use"),
    Thing("this tent", "the tent", "sg", "use"), Thing("this sleeping bag", "the sleeping bag", "sg", "use"),
    Thing("this water bottle", "the water bottle", "sg", "use"), Thing("this headlamp", "the headlamp", "sg", "use"),
    Thing("this duffel", "the duffel", "sg", "use"), Thing("this camp chair", "the camp chair", "sg", "use"),
    Thing("these trekking poles", "the trekking poles", "pl", "use"),
)
EN_POST = (
    Thing("this photo", "the photo", "sg"), Thing("this shot", "the shot", "sg"),
    Thing("this video", "the video", "sg"), Thing("this post", "the post", "sg"),
    Thing("this view", "the view", "sg"), Thing("this collection", "the collection", "sg"),
    Thing("these colors", "the colors", "pl"), Thing("this campaign", "the campaign", "sg"),
    Thing("this reel", "the reel", "sg"),
)
EN_FEATURES = (
    Thing("the color", "the color", "sg", "any"), Thing("the fabric", "the fabric", "sg", "wear"),
    Thing("the stitching", "the stitching", "sg", "wear"), Thing("the zipper", "the zipper", "sg", "any"),
    Thing("the hood", "the hood", "sg", "wear"), Thing("the pockets", "the pockets", "pl", "any"),
    Thing("the insulation", "the insulation", "sg", "wear"), Thing("the sizing", "the sizing", "sg", "wear"),
    Thing("the material", "the material", "sg", "any"), Thing("the straps", "the straps", "pl", "use"),
    Thing("the lid", "the lid", "sg", "use"), Thing("the laces", "the laces", "pl", "wear"),
)
EN_POSITIVE_ADJ = ("amazing", "awesome", "gorgeous", "perfect", "great", "beautiful", "so good", "impressive",
                   "fantastic", "excellent", "lovely", "brilliant", "super comfortable", "wonderful", "outstanding",
                   "superb")
EN_POST_ADJ = ("amazing", "gorgeous", "beautiful", "stunning", "awesome", "superb", "fantastic", "lovely",
               "great", "wonderful", "brilliant")
EN_NEGATIVE_ADJ = ("terrible", "awful", "horrible", "useless", "disappointing", "badly made", "a waste of money",
                   "lousy", "worthless", "defective", "the worst", "really bad", "flimsy and useless")
EN_BOOSTERS = ("really", "so", "absolutely", "totally", "extremely", "incredibly", "very", "completely")

EN_SLOTS = {
    "rel": ("my wife", "my husband", "my sister", "my brother", "my dad", "my mom", "my son", "my daughter",
            "my girlfriend", "my boyfriend", "my roommate", "my hiking buddy"),
    "name": ("Emma", "Olivia", "Jake", "Ryan", "Sarah", "Megan", "Chris", "Tyler", "Hannah", "Josh", "Katie",
             "Matt", "Lauren", "Ben", "Jess", "Sam", "Mike", "Ashley", "Dylan", "Nora"),
    "size": ("small", "medium", "large", "XL", "XS", "XXL", "a size 8", "a size 10", "a men's 11", "a women's 7"),
    "color": ("black", "navy", "olive", "forest green", "charcoal", "sand", "rust", "slate blue", "burgundy",
              "mustard", "tan", "stone"),
    "city": ("Denver", "Seattle", "Boston", "Portland", "Chicago", "Austin", "Brooklyn", "Minneapolis",
             "Salt Lake City", "Burlington", "Boulder", "Asheville"),
    "country": ("Canada", "the UK", "Australia", "Germany", "Mexico", "Ireland", "France", "New Zealand",
                "Norway", "Japan"),
    "height": ("5'2", "5'4", "5'6", "5'7", "5'9", "5'10", "6'0", "6'1", "6'3"),
    "day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "n": ("two", "three", "four", "five", "six"),
    "when": ("yesterday", "this morning", "last week", "on Saturday", "two days ago", "on Monday"),
    "trip": ("the Appalachian Trail", "a week in the Rockies", "a weekend in Oregon", "a ski trip",
             "a camping trip", "a fall hike", "Mount Washington", "a road trip to Utah", "the Pacific Crest Trail",
             "a trip to Iceland"),
}

EN = {
    "positive": Bank(
        bodies=(
            "love {p}", "I love {p}", "{p} {is} {pos}", "{p} {is} {adv} {pos}", "{the} {is} {adv} {pos}",
            "just got {p} and {its} {pos}", "{wore} {p} on {trip}, {pos}", "{rel} loves {p}",
            "best purchase I made this year, {the} {is} {pos}", "second time buying {p}, still {pos}",
            "highly recommend {p}", "{the} {is} {pos}, worth every penny", "{ft} {ftis} {ftpos}",
            "{ft} on {p} {ftis} {adv} {ftpos}", "got {p} in {color} and {its} {pos}",
            "{the} {is} even more {pos} in person", "ordered {p} {when}, {its} {pos}",
            "wear:{p} kept me dry on {trip}, {pos}", "got {p} for {rel} and it was a huge hit",
            "{the} {is} {pos}, so happy with {it_obj}", "honestly {the} {is} {pos}",
            "so happy with {p}", "{the} {is} my new favorite, {pos}",
            "wear:{wore} {p} every day last winter, {its} {pos}", "{p} in {color} {is} {pos}",
        ),
        post_bodies=(
            "{p} {is} {adv} {pos}", "{p} {is} {pos}", "love {p}", "{the} {is} {pos}", "such a {pos} photo, love it",
            "{p} makes me want to go hiking, {pos}", "great job on {p}", "{the} {is} {pos}, well done",
        ),
        free_bodies=(
            "best brand for outdoor gear", "you guys always deliver", "customer service was amazing",
            "fast shipping and great packaging", "best purchase I've made all year", "love this brand",
            "great quality as always", "you make the best gear", "always impressed by this brand",
            "another great release",
        ),
        short=("Love this so much", "I love it so much", "Gorgeous colors", "This is amazing",
               "So good, I really love it", "Beautiful work",
               "Perfect as always", "Awesome stuff", "Love this look", "Great shot, love the colors",
               "I need this, love it", "Wow just wow", "Amazing as always", "This is so beautiful"),
        openers=("Wow,", "Honestly,", "Omg", "Okay,", "Oh wow,", "Yes!", "Man,", "Wow!", "Honestly?"),
        closers=("highly recommend", "great job team", "well done", "thank you", "love it",
                 "worth every penny", "10/10", "so happy with it", "best brand ever", "thanks {brand}",
                 "you guys rock", "keep up the great work", "love this brand", "great work",
                 "absolutely love it", "so glad I bought it"),
        emoji=("😍", "🥰", "✨", "💕", "😊", "👌", "😍😍", "❤️", "👏", "🙌", "🥳", "🎉", "😊😊", "❤️😍",
               "🙂", "💯"),
        endings=("", "", "!", "!!", ".", "!!!"),
        p_short=0.12, p_opener=0.2, p_closer=0.45, p_emoji=0.45, weights=(0.68, 0.2, 0.12),
    ),
    "negative": Bank(
        bodies=(
            "very disappointed with {p}", "{p} {is} {neg}", "{the} {is} {adv} {neg}", "so disappointed in {p}",
            "{the} fell apart after {n} weeks, what a waste", "{the} {is} {neg}, do not recommend",
            "{ft} on {p} broke after {n} weeks, so frustrating", "{p} arrived damaged, unacceptable",
            "{p} look{vs} nothing like the photo, disappointed", "use:{p} leaked on {trip}, terrible",
            "returned {p}, {ft} {ftis} {ftneg}", "{wore} {p} {n} times and {it} already fell apart, awful",
            "{p} {is} way overpriced for such poor quality, sad", "{p} in {color} {is} {neg} in person",
            "wear:{the} ripped on the first hike, awful", "{the} {is} {neg}, I want a refund",
            "ordered {p} {n} weeks ago and I'm still waiting, ridiculous", "{the} {is} overpriced and disappointing",
            "{ft} of {p} {ftis} {ftneg}, so disappointed",
        ),
        post_bodies=(
            "nice photo but the real product is a disappointment",
            "posting {p} while my order is lost, unbelievable and rude",
            "{p} {is} {neg}",
        ),
        free_bodies=(
            "my order is lost and customer service is useless", "worst customer service ever",
            "waited {n} weeks for a refund, ridiculous", "terrible experience, I'm done with this brand",
            "order cancelled with no explanation, unacceptable", "the quality has gone downhill, so sad",
            "{n} emails to customer service and still waiting, pathetic", "shipping took {n} weeks, awful",
            "return refused, this is a scam", "so disappointed in this brand lately",
        ),
        short=("So disappointed", "Really disappointed", "Terrible quality", "Awful service",
               "Worst purchase ever", "What a waste of money", "Horrible experience", "Total scam",
               "Such a disappointment", "This is awful"),
        openers=("Seriously,", "Ugh,", "Sadly,", "Ugh.",
                 "Again,", "Sorry but"),
        closers=("do not recommend", "so angry", "shameful", "so disappointed", "unacceptable",
                 "what a waste of money", "avoid", "terrible", "very unhappy", "really bad",
                 "this is ridiculous", "I want a refund", "awful experience"),
        emoji=("😡", "😤", "👎", "😞", "🙄", "😒", "😢", "😠", "😩", "😡😡", "👎👎", "😞😞"),
        endings=("", "", ".", "!", "...", "!!"),
        p_short=0.08, p_opener=0.2, p_closer=0.4, p_emoji=0.4, weights=(0.65, 0.05, 0.3),
    ),
    "neutral": Bank(
        bodies=(
            "is this available in {size}?", "wear:{does} {p} come in {color}?", "what's the price of {p}?",
            "what size should I get at {height}?", "when will {p} be back in stock?", "what {is} {the} made of?",
            "{is} {the} waterproof?", "{is} {p} in stock at the {city} store?", "wear:{does} {p} run small?",
            "wear:{is} {the} machine washable?", "wear:{does} {p} come in {size}?", "use:how much does {the} weigh?",
            "{name} look at {p}",
            "{name} what about {p} for {trip}?", "{name} what do you think of {p}?", "saw {p} at the {city} store",
            "how heavy {is} {the}?", "{is} {the} the same as last year's model?", "where {is} {p} made?",
            "what color {is} {the} in the photo?", "wear:{is} {p} unisex?",
        ),
        post_bodies=(
            "where was {p} taken?", "is that {trip} in {p}?", "{name} check out {p}",
            "what jacket is in {p}?", "what camera did you use for {p}?",
        ),
        free_bodies=(
            "do you ship to {country}?", "how long does shipping take to {country}?", "can I pick it up in store?",
            "is there a store in {city}?", "when is the next collection coming out?",
            "what are your store hours on {day}?",
            "ordered {when}, waiting on shipping", "{name} we should plan {trip}", "is the {city} store open on {day}?",
            "can I return an online order in the {city} store?", "{name} this is what I was talking about",
            "going to the {city} store on {day}",
        ),
        openers=("Hi,", "Hey,", "Hello,", "Quick question:", "Question:", "Hey there,"),
        emoji=("🤔", "👀"),
        p_short=0.0, p_opener=0.3, p_closer=0.0, p_emoji=0.08, weights=(0.55, 0.15, 0.3),
    ),
}

EN_CRISIS = Bank(
    bodies=(
        "still no answer about {p}, this is a disgrace",
        "ordered {p} {n} weeks ago and never received {it_obj}, total scam",
        "{the} {is} {neg} and nobody answers, shameful",
        "same problem with {p}, give us our money back, unacceptable",
    ),
    free_bodies=(
        "still no answer from customer service, this is a disgrace", "I'm obviously not the only one, shame on you",
        "deleting comments now? pathetic", "hundreds of customers scammed and not a word from you, disgusting",
        "answer your customers instead of posting, this is unacceptable",
        "same problem here, paid and never received anything, total scam", "boycotting this brand, terrible",
        "{n} weeks waiting for a refund, absolute disgrace", "worst company ever, stay away",
        "where is my money? this is a scam", "still waiting for an explanation, pathetic",
        "you ignore every complaint, disgusting",
    ),
    closers=("shame on you", "a disgrace", "unacceptable", "total scam", "furious", "pathetic",
             "absolutely terrible", "worst company ever", "disgusting", "stay away"),
    emoji=("😡", "😠", "😤", "👎", "😞", "😡😡", "😠😠"),
    endings=("", "", "!", "!!", "."),
    p_opener=0.0, p_closer=1.0, p_emoji=0.55, weights=(0.35, 0.0, 0.65),
)

BANKS: dict[str, dict[str, Bank]] = {"fr": FR, "en": EN}
CRISIS: dict[str, Bank] = {"fr": FR_CRISIS, "en": EN_CRISIS}
THINGS = {"fr": (FR_PRODUCTS, FR_POST, FR_FEATURES), "en": (EN_PRODUCTS, EN_POST, EN_FEATURES)}

# The brand's replies: thanks for praise, an answer to a question, an offer to sort a complaint out in
# private. All score positive (they are not inbound items, but they are scored with the rest).
REPLIES = {
    ("fr", "positive"): ("Merci pour votre message !", "Merci beaucoup ! 😊", "Merci, ça nous fait très plaisir 💕",
                         "Merci pour ce retour, toute l'équipe est ravie !", "Merci infiniment pour votre message ✨",
                         "Merci, on est ravis que ça vous plaise 😊", "Merci pour votre fidélité ❤️"),
    ("fr", "neutral"): ("Bonjour ! Toutes les infos sont sur notre site, merci 😊",
                        "Bonjour, merci pour votre question, nous vous répondons en message privé 😊",
                        "Merci pour votre message ! On vous écrit en privé 😊",
                        "Bonjour ! Oui, en ligne et en boutique, merci 😊"),
    ("fr", "negative"): ("Merci pour votre retour, nous vous contactons en message privé 🙏",
                         "Bonjour, merci de nous l'avoir signalé, on vous écrit en privé pour trouver une solution 😊",
                         "Merci pour votre message, notre service client vous recontacte au plus vite 🙏"),
    ("en", "positive"): ("Thanks so much for your message!", "Thank you so much! 😊",
                         "Thanks, we're so glad you love it!",
                         "Thank you for the kind words 😊", "Thanks! Happy trails ✨", "We appreciate you! 😊"),
    ("en", "neutral"): ("Hi! Thanks for asking, we'll send you a DM 😊", "Thanks for your question! Check your DMs 😊",
                        "Hi there! Thanks, all the details are on our website 😊"),
    ("en", "negative"): ("Thanks for letting us know, we'll send you a DM to help 🙏",
                         "Thank you for reaching out, our team will contact you to help 😊",
                         "Thanks for your patience, please check your DMs so we can help"),
}

_SLOT = re.compile(r"\{(\w+)\}")
# Between a body and its closer. The French scorer's negation reaches across "!" and "-" (only , ; . :
# end a clause), so a negative French closer never follows "pas top !" (it would be read as negated).
_SEPARATORS = {("fr", "positive"): (", ", ", ", ". ", " ! ", " - "), ("fr", "negative"): (", ", ", ", ". "),
               ("en", "positive"): (", ", ", ", ". ", "! ", " - "), ("en", "negative"): (", ", ", ", ". ", "! ", " - "),
               ("fr", "neutral"): (", ",), ("en", "neutral"): (", ",)}
_ADJ_KEYS = {"pos", "neg", "ftpos", "ftneg"}
_PARTS: dict[str, tuple[tuple[bool, str], ...]] = {}  # template -> (is a slot, text); the banks' templates


class _Filler:
    """Fills one template's slots; a slot used twice gets one value, drawn in order of first use."""

    def __init__(self, rng: random.Random, language: str, sentiment: str, thing: Thing | None,
                 brand: str | None, writer_female: bool):
        self.rng, self.language, self.sentiment = rng, language, sentiment
        self.thing, self.brand, self.writer_female = thing, brand, writer_female
        self.feature: Thing | None = None
        self.values: dict[str, str] = {}

    def fill(self, template: str) -> str:
        # _SLOT.sub(lambda match: self.value(match.group(1)), template), with the template split once
        # (into literal text and slot names); slots are filled from left to right, as sub does
        parts = _PARTS.get(template)
        if parts is None:
            parts = _PARTS[template] = tuple((index % 2 == 1, part)
                                             for index, part in enumerate(_SLOT.split(template)))
        return "".join([self.value(part) if slot else part for slot, part in parts])

    def value(self, key: str) -> str:
        if key not in self.values:
            self.values[key] = self._draw(key)
        return self.values[key]

    def _feature(self) -> Thing:
        if self.feature is None:
            kind = self.thing.kind if self.thing is not None else "any"
            self.feature = self.rng.choice([item for item in THINGS[self.language][2]
                                            if item.kind == "any" or item.kind == kind])
        return self.feature

    def _draw(self, key: str) -> str:
        rng, fr = self.rng, self.language == "fr"
        slots = FR_SLOTS if fr else EN_SLOTS
        if key in slots:
            return rng.choice(slots[key])
        if key == "brand":
            return self.brand or ("la team" if fr else "team")
        if key == "w":
            return "e" if self.writer_female else ""
        if key == "adv":
            if fr:
                return rng.choice(FR_NEGATIVE_BOOSTERS if self.sentiment == "negative" else FR_BOOSTERS)
            return rng.choice(EN_BOOSTERS)
        thing = self._feature() if key.startswith("ft") else self.thing
        assert thing is not None, key
        if key.startswith("ft") and key not in _ADJ_KEYS:
            key = {"ft": "p", "ftest": "est", "ftis": "is", "fte": "e"}[key]
        plural = thing.number in ("mp", "fp", "pl")
        if key in _ADJ_KEYS:
            negative = "neg" in key
            if fr:
                fr_bank = FR_NEGATIVE_ADJ if negative else (FR_POST_ADJ if thing.kind == "post" else FR_POSITIVE_ADJ)
                return rng.choice([form for forms in fr_bank if (form := forms[thing.number])])
            bank = EN_NEGATIVE_ADJ if negative else (EN_POST_ADJ if thing.kind == "post" else EN_POSITIVE_ADJ)
            return rng.choice(bank)
        if fr:
            return {
                "p": thing.this, "le": thing.the, "il": {"ms": "il", "fs": "elle", "mp": "ils", "fp": "elles"}[
                    thing.number], "est": "sont" if plural else "est", "s": "s" if plural else "",
                "e": {"ms": "", "fs": "e", "mp": "s", "fp": "es"}[thing.number], "mon": "mes" if plural else "mon",
                "lai": "les ai" if plural else "l'ai", "use": "je porte" if thing.kind == "wear" else "j'utilise",
                "sest": "se sont" if plural else "s'est", "a": "ont" if plural else "a",
            }[key]
        return {
            "p": thing.this, "the": thing.the, "it": "they" if plural else "it", "it_obj": "them" if plural else "it",
            "is": "are" if plural else "is", "its": "they're" if plural else "it's",
            "does": "do" if plural else "does", "vs": "" if plural else "s",
            "wore": "wore" if thing.kind == "wear" else "took",
        }[key]


_SENTENCE_END = re.compile(r"([.!?]\s+)([a-zà-ÿ])")


def _sentence_case(text: str) -> str:
    """Capitalise the first letter and the first letter after a sentence end."""
    text = _SENTENCE_END.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text[:1].upper() + text[1:]


_POOLS: dict[tuple[int, str], tuple[Bank, tuple, list[float], float]] = {}


def _pools(bank: Bank, language: str) -> tuple[tuple, list[float], float]:
    """A bank's body pools that can be drawn (templates and the things they are about), with the cumulative
    weights and total that rng.choices would compute from their weights."""
    cached = _POOLS.get((id(bank), language))
    if cached is None or cached[0] is not bank:
        products, post, _ = THINGS[language]
        candidates = [(bank.bodies, products), (bank.post_bodies, post), (bank.free_bodies, ())]
        pools = [(pool, weight) for pool, weight in zip(candidates, bank.weights, strict=True) if pool[0] and weight]
        cumulative = list(itertools.accumulate(weight for _, weight in pools))
        cached = _POOLS[(id(bank), language)] = (bank, tuple(pool for pool, _ in pools), cumulative,
                                                 cumulative[-1] + 0.0)
    return cached[1:]


def _compose(rng: random.Random, bank: Bank, language: str, sentiment: str, brand: str | None,
             trace: list | None = None) -> str:
    writer_female = rng.random() < 0.6
    if bank.short and rng.random() < bank.p_short:
        filler = _Filler(rng, language, sentiment, None, brand, writer_female)
        text = filler.fill(rng.choice(bank.short))
        if trace is not None:
            trace.append(("short", text))
    else:
        pools, cumulative, total = _pools(bank, language)
        # rng.choices(pools, weights=...)[0], with the weights summed once per bank
        templates, things = pools[bisect_right(cumulative, rng.random() * total, 0, len(pools) - 1)]
        template = rng.choice(templates)
        thing = rng.choice(things) if things else None
        # "wear:" / "use:" mark a template about clothes / about products used (cosmetics, gear);
        # {use} and {wore} need a product worn or used.
        prefix, _, rest = template.partition(":") if template.startswith(("wear:", "use:")) else ("", "", template)
        kinds = (prefix,) if prefix else ("wear", "use") if "{use}" in template or "{wore}" in template else None
        template = rest
        if thing is not None and kinds and thing.kind not in kinds:
            thing = rng.choice([item for item in things if item.kind in kinds])
        filler = _Filler(rng, language, sentiment, thing, brand, writer_female)
        text = filler.fill(template)
        if trace is not None:
            trace.append(("body", template))
        if bank.openers and rng.random() < bank.p_opener:
            opener = rng.choice(bank.openers)
            if trace is not None:
                trace.append(("opener", opener))
            capital = opener.endswith(("!", ".", "?"))
            text = f"{opener} {text[:1].upper()}{text[1:]}" if capital else f"{opener} {text}"
        if bank.closers and rng.random() < bank.p_closer:
            closer = filler.fill(rng.choice(bank.closers))
            separator = rng.choice(_SEPARATORS[(language, sentiment)])
            if closer.lower() not in text.lower():  # "quelle déception, quelle déception"
                if trace is not None:
                    trace.append(("closer", closer))
                text = text.rstrip(" ?!.") + separator + closer
    if text.endswith("?"):
        if language == "fr" and rng.random() < 0.5:
            text = text[:-1].rstrip() + "?"  # the space before "?" is French typography, not everyone's habit
    else:
        text += rng.choice(bank.endings)
    if bank.emoji and rng.random() < bank.p_emoji:
        emoji = rng.choice(bank.emoji)
        if trace is not None:
            trace.append(("emoji", emoji))
        text = f"{text} {emoji}"
    text = _sentence_case(text)
    if rng.random() < 0.12:
        text = text.lower()  # typed on a phone
    return text


def compose(rng: random.Random, language: str, sentiment: str, crisis: bool = False,
            brand: str | None = None) -> str:
    """One audience comment in `language` ("fr" or "en", anything else falls back to English) with the
    intended `sentiment`; `crisis` makes it one of a negative burst's complaints."""
    language = language if language in BANKS else "en"
    bank = CRISIS[language] if crisis else BANKS[language][sentiment]
    return _compose(rng, bank, language, "negative" if crisis else sentiment, brand)


def brand_reply(rng: random.Random, language: str, sentiment: str) -> str:
    """The brand's reply to a comment of `sentiment`."""
    language = language if language in BANKS else "en"
    return rng.choice(REPLIES[(language, sentiment)])


def sample(language: str, sentiment: str, count: int, seed: int = 0) -> tuple[str, ...]:
    """`count` distinct composed texts (fewer if the bank runs dry), the same for the same arguments."""
    rng = random.Random(f"phrases:{seed}:{language}:{sentiment}".encode())
    texts: dict[str, None] = {}
    for _ in range(count * 4):
        texts.setdefault(compose(rng, language, sentiment), None)
        if len(texts) >= count:
            break
    return tuple(texts)


# A fixed sample per language and sentiment, for callers that draw whole phrases (mentions, UGC).
PHRASES: dict[tuple[str, str], Sequence[str]] = {
    (language, sentiment): sample(language, sentiment, 300) for language in LANGUAGES for sentiment in SENTIMENTS
}


# A brand post's content features (simulator.content_features): phrases appended to its caption that the
# warehouse's phrase lists (dbt_project/macros/content_features.sql) must recognise. Each names the features it
# carries; none of them carries another list's phrase by accident.
FEATURE_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "comment_cta": ("Tell us in the comments which one you'd pick.", "Comment below with your favourite colour.",
                        "Tag a friend who needs this."),
        "cta": ("Link in bio.", "Shop now on our site.", "Save this for later."),
        "contest": ("Giveaway: enter to win the whole set.", "Contest time! Enter now for a chance to win the set."),
        "question": ("Which colour would you choose?", "What should we make next?"),
    },
    "fr": {
        "comment_cta": ("Dites-nous en commentaire votre préférée.", "Identifiez une amie qui l'adorerait.",
                        "Commentez avec votre couleur préférée."),
        "cta": ("Lien en bio.", "Découvrez la collection en boutique.", "Abonnez-vous pour ne rien manquer."),
        "contest": ("Grand concours : participez pour gagner le coffret.",
                    "Concours : participez et tentez de remporter le coffret."),
        "question": ("Quelle couleur choisiriez-vous ?", "Que devrions-nous créer ensuite ?"),
    },
}
