"""Example sentences for the 23 persuasion techniques in the other languages Spinscope analyses.

The interface stays in English; only the example that illustrates a technique is also given in the article's
language, so a reader of an Italian article sees what, say, a false dilemma sounds like in Italian. Every sentence
is invented by the Spinscope authors (none is taken from a corpus), short, and shows its technique plainly, like
the English `Technique.example` fields in `taxonomy.py`.
"""

from __future__ import annotations

from .taxonomy import BY_NAME

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "it": "Italian", "ru": "Russian", "fr": "French", "de": "German", "pl": "Polish",
}
EXAMPLE_LANGUAGES: tuple[str, ...] = ("it", "ru", "fr", "de", "pl")

EXAMPLES: dict[str, dict[str, str]] = {
    "Name_Calling-Labeling": {
        "it": "I cosiddetti «esperti» del ministero hanno fallito un'altra volta.",
        "ru": "Так называемые «эксперты» из министерства снова провалились.",
        "fr": "Les soi-disant « experts » du ministère ont encore échoué.",
        "de": "Die sogenannten „Experten“ im Ministerium haben schon wieder versagt.",
        "pl": "Tak zwani „eksperci” z ministerstwa znowu zawiedli.",
    },
    "Guilt_by_Association": {
        "it": "Il suo piano è esattamente quello che tentò di fare la vecchia dittatura.",
        "ru": "Её план — точная копия того, что пыталась сделать старая диктатура.",
        "fr": "Son plan, c'est exactement ce qu'avait tenté l'ancienne dictature.",
        "de": "Ihr Plan ist genau das, was schon die alte Diktatur versucht hat.",
        "pl": "Jej plan to dokładnie to, czego próbowała dawna dyktatura.",
    },
    "Doubt": {
        "it": "Possiamo davvero fidarci di un sindaco che non risponde mai a una domanda diretta?",
        "ru": "Можно ли верить мэру, который никогда не отвечает на прямой вопрос?",
        "fr": "Peut-on vraiment croire un maire qui ne répond jamais à une question directe ?",
        "de": "Kann man einem Bürgermeister wirklich glauben, der nie eine direkte Frage beantwortet?",
        "pl": "Czy naprawdę można wierzyć burmistrzowi, który nigdy nie odpowiada wprost na pytania?",
    },
    "Appeal_to_Hypocrisy": {
        "it": "Ci fa la predica sul risparmio, ma al vertice ci è andato in jet privato.",
        "ru": "Он учит нас экономить, а сам летает на саммиты на частном самолёте.",
        "fr": "Il nous fait la leçon sur les économies, mais il est allé au sommet en jet privé.",
        "de": "Er predigt uns Sparsamkeit, fliegt aber selbst im Privatjet zum Gipfel.",
        "pl": "Poucza nas o oszczędzaniu, a sam poleciał na szczyt prywatnym odrzutowcem.",
    },
    "Questioning_the_Reputation": {
        "it": "Questo giornale non ha mai pubblicato una sola notizia giusta in vita sua.",
        "ru": "Эта газета ни разу в жизни не написала ни слова правды.",
        "fr": "Ce journal n'a jamais publié un seul article exact de toute son histoire.",
        "de": "Dieses Blatt hat noch kein einziges Mal eine Geschichte richtig wiedergegeben.",
        "pl": "Ta gazeta jeszcze nigdy nie napisała ani jednego rzetelnego tekstu.",
    },
    "Flag_Waving": {
        "it": "Ogni vero patriota italiano sosterrà questa legge.",
        "ru": "Каждый настоящий патриот поддержит этот закон.",
        "fr": "Tout vrai patriote se tiendra derrière cette loi.",
        "de": "Jeder echte Patriot wird hinter diesem Gesetz stehen.",
        "pl": "Każdy prawdziwy patriota poprze tę ustawę.",
    },
    "Appeal_to_Authority": {
        "it": "Lo dice un famoso scienziato che questa dieta funziona, quindi deve funzionare per forza.",
        "ru": "Известный учёный говорит, что эта диета работает, значит, так оно и есть.",
        "fr": "Un scientifique célèbre affirme que ce régime marche, donc il marche forcément.",
        "de": "Ein berühmter Wissenschaftler sagt, dass diese Diät wirkt, also muss sie auch wirken.",
        "pl": "Słynny naukowiec mówi, że ta dieta działa, więc na pewno działa.",
    },
    "Appeal_to_Popularity": {
        "it": "Milioni di persone hanno già cambiato: e tu cosa aspetti?",
        "ru": "Миллионы людей уже перешли, а вы чего ждёте?",
        "fr": "Des millions de personnes ont déjà changé, alors pourquoi pas vous ?",
        "de": "Millionen Menschen haben schon gewechselt – worauf warten Sie noch?",
        "pl": "Miliony ludzi już to zrobiły, więc dlaczego nie ty?",
    },
    "Appeal_to_Values": {
        "it": "Questa riforma riguarda una cosa sola: difendere la nostra libertà.",
        "ru": "Эта реформа нужна ради одного: защиты нашей свободы.",
        "fr": "Cette réforme n'a qu'un seul but : protéger notre liberté.",
        "de": "Bei dieser Reform geht es um eines: unsere Freiheit zu schützen.",
        "pl": "Ta reforma dotyczy tylko jednego: obrony naszej wolności.",
    },
    "Appeal_to_Fear-Prejudice": {
        "it": "Se non facciamo niente, entro un anno le nostre strade saranno invase.",
        "ru": "Если мы ничего не предпримем, через год наши улицы будут захвачены.",
        "fr": "Si nous ne faisons rien, nos rues seront envahies d'ici un an.",
        "de": "Wenn wir nichts tun, werden unsere Straßen in einem Jahr überrannt sein.",
        "pl": "Jeśli nic nie zrobimy, w ciągu roku nasze ulice zostaną opanowane.",
    },
    "Straw_Man": {
        "it": "Vogliono piste ciclabili migliori, cioè vogliono vietare del tutto le automobili.",
        "ru": "Они хотят больше велодорожек — то есть хотят вообще запретить автомобили.",
        "fr": "Ils veulent de meilleures pistes cyclables, autrement dit ils veulent interdire la voiture.",
        "de": "Sie wollen bessere Radwege, das heißt, sie wollen Autos ganz verbieten.",
        "pl": "Chcą lepszych ścieżek rowerowych, czyli tak naprawdę chcą zakazać samochodów.",
    },
    "Red_Herring": {
        "it": "Perché parlare del buco di bilancio, quando quest'anno il tempo è stato così strano?",
        "ru": "Зачем обсуждать дыру в бюджете, когда погода в этом году такая странная?",
        "fr": "Pourquoi parler du trou dans le budget alors que la météo a été si bizarre cette année ?",
        "de": "Warum über das Haushaltsloch reden, wenn das Wetter dieses Jahr so seltsam war?",
        "pl": "Po co rozmawiać o dziurze budżetowej, skoro pogoda w tym roku była taka dziwna?",
    },
    "Whataboutism": {
        "it": "Criticate le nostre carceri, ma che dire delle carceri nel vostro paese?",
        "ru": "Вы критикуете наши тюрьмы, а как насчёт тюрем в вашей собственной стране?",
        "fr": "Vous critiquez nos prisons, mais que dire des prisons de votre pays ?",
        "de": "Sie kritisieren unsere Gefängnisse, aber was ist mit den Gefängnissen in Ihrem Land?",
        "pl": "Krytykujecie nasze więzienia, a co z więzieniami w waszym kraju?",
    },
    "Causal_Oversimplification": {
        "it": "I prezzi sono saliti per un solo motivo: il nuovo governatore.",
        "ru": "Цены выросли по одной-единственной причине: из-за нового губернатора.",
        "fr": "Si les prix augmentent, c'est pour une seule raison : le nouveau gouverneur.",
        "de": "Die Preise sind aus einem einzigen Grund gestiegen: wegen der neuen Landesregierung.",
        "pl": "Ceny wzrosły tylko z jednego powodu: przez nowy rząd.",
    },
    "False_Dilemma-No_Choice": {
        "it": "O chiudiamo i confini domani, o perdiamo il paese.",
        "ru": "Либо мы завтра закрываем границу, либо теряем страну.",
        "fr": "Soit on ferme la frontière demain, soit on perd le pays.",
        "de": "Entweder wir schließen morgen die Grenze, oder wir verlieren unser Land.",
        "pl": "Albo jeszcze jutro zamkniemy granicę, albo stracimy nasz kraj.",
    },
    "Consequential_Oversimplification": {
        "it": "Concedete questa sola eccezione e presto non resterà più nessuna regola.",
        "ru": "Сделайте одно исключение — и скоро никаких правил не останется вовсе.",
        "fr": "Accordez cette seule exception, et bientôt il n'y aura plus aucune règle.",
        "de": "Erlaubt man diese eine Ausnahme, gibt es bald überhaupt keine Regeln mehr.",
        "pl": "Pozwólcie na ten jeden wyjątek, a wkrótce nie zostanie żadna zasada.",
    },
    "Slogans": {
        "it": "Lavoro, non promesse!",
        "ru": "Работа, а не обещания!",
        "fr": "Des emplois, pas des promesses !",
        "de": "Arbeitsplätze statt leerer Versprechen!",
        "pl": "Praca, a nie obietnice!",
    },
    "Conversation_Killer": {
        "it": "Non c'è altro da discutere: le regole sono regole.",
        "ru": "Тут нечего обсуждать: правила есть правила.",
        "fr": "Il n'y a rien à discuter : la règle, c'est la règle.",
        "de": "Da gibt es nichts zu diskutieren: Regeln sind Regeln.",
        "pl": "Nie ma tu nic do dyskusji: przepisy to przepisy.",
    },
    "Appeal_to_Time": {
        "it": "Il tempo delle chiacchiere è finito: dobbiamo agire stasera stessa.",
        "ru": "Время разговоров прошло: действовать нужно сегодня же вечером.",
        "fr": "Le temps des discours est terminé : nous devons agir dès ce soir.",
        "de": "Die Zeit des Redens ist vorbei – wir müssen noch heute Abend handeln.",
        "pl": "Czas gadania się skończył, musimy działać jeszcze dziś wieczorem.",
    },
    "Loaded_Language": {
        "it": "La decisione scandalosa e disastrosa del consiglio comunale ha sconvolto i residenti.",
        "ru": "Возмутительное, катастрофическое решение городского совета потрясло жителей.",
        "fr": "La décision scandaleuse et désastreuse du conseil municipal a choqué les habitants.",
        "de": "Der skandalöse, katastrophale Beschluss des Stadtrats hat die Anwohner schockiert.",
        "pl": "Skandaliczna, katastrofalna decyzja rady miasta wstrząsnęła mieszkańcami.",
    },
    "Obfuscation-Vagueness-Confusion": {
        "it": "Certe misure saranno prese al momento opportuno dalle persone competenti.",
        "ru": "Определённые меры будут приняты в надлежащее время соответствующими людьми.",
        "fr": "Certaines mesures seront prises en temps utile par les personnes concernées.",
        "de": "Gewisse Maßnahmen werden zu gegebener Zeit von den zuständigen Stellen ergriffen.",
        "pl": "Pewne działania zostaną podjęte we właściwym czasie przez odpowiednie osoby.",
    },
    "Exaggeration-Minimisation": {
        "it": "È il più grande scandalo della storia dell'umanità.",
        "ru": "Это величайший скандал в истории человечества.",
        "fr": "C'est le plus grand scandale de l'histoire de l'humanité.",
        "de": "Das ist der größte Skandal in der Geschichte der Menschheit.",
        "pl": "To największy skandal w dziejach ludzkości.",
    },
    "Repetition": {
        "it": "Corrotto. Corrotto dalla testa ai piedi. Un sistema corrotto.",
        "ru": "Коррупция. Коррупция сверху донизу. Сплошная коррупция.",
        "fr": "Corrompu. Corrompu de la base au sommet. Un système corrompu.",
        "de": "Korrupt. Korrupt von oben bis unten. Ein durch und durch korruptes System.",
        "pl": "Skorumpowany. Skorumpowany od góry do dołu. Skorumpowany system.",
    },
}


def language_code(language: str | None) -> str:
    """The primary subtag of a language tag, lower-cased: "de-AT" -> "de", " IT " -> "it", None -> ""."""
    return str(language or "").strip().replace("_", "-").split("-")[0].lower()


def language_name(language: str | None) -> str | None:
    """English name of a language Spinscope has examples in ("it" -> "Italian"), else None."""
    return LANGUAGE_NAMES.get(language_code(language))


def example_for(technique: str, language: str | None) -> str | None:
    """An invented example sentence of the technique in the language (ISO 639-1 code or tag such as "de-CH").

    English gives the taxonomy's own example; the five other analysed languages give theirs; any other language,
    or a technique name outside the taxonomy, gives None.
    """
    code = language_code(language)
    if code == "en":
        entry = BY_NAME.get(technique)
        return entry.example if entry else None
    return EXAMPLES.get(technique, {}).get(code)
