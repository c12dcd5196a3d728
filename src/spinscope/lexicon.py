"""English word lists that the name, source and claim heuristics share (cluster, attribution, claims)."""

from __future__ import annotations

REPORTING_VERBS = (
    "said", "says", "say", "told", "tells", "tweeted", "tweets", "wrote", "writes", "reported", "reports",
    "claimed", "claims", "stated", "states", "added", "adds", "confirmed", "confirms", "announced", "announces",
    "explained", "explains", "noted", "notes", "insisted", "insists", "testified", "testifies", "argued",
    "argues", "warned", "warns", "acknowledged", "acknowledges", "admitted", "admits", "denied", "denies",
    "revealed", "reveals", "disclosed", "discloses", "accused", "accuses", "alleged", "alleges", "asserted",
    "asserts", "recalled", "posted", "published", "estimated", "estimates", "concluded", "concludes",
    "described", "describes", "showed", "shows", "indicated", "indicates", "found", "outlined", "suggested",
    "suggests", "predicted", "predicts", "complained", "replied", "responded", "declared", "declares",
)

# past tenses that do not end in -ed: a sentence with one of them has a verb ("The plane flew to Oslo"); forms
# that are mostly nouns in news text ("the cost", "a set", "the wound") and "let" (mostly "let's") are left out
IRREGULAR_PAST = frozenset("""
arose ate awoke beat became began bent bit bled blew broke bred brought built burnt burst bought caught chose clung
came crept cut dealt dug did drew dreamt drank drove dwelt fell felt fought found fled flung flew forbade foresaw
foretold forgot forgave froze got gave went grew hung had heard hid hit held hurt kept knelt knew laid led leant
leapt learnt left lent lost made meant met mistook overcame overheard overran overtook paid put quit rebuilt
rode rang rose ran saw sought sold sent sewed shook shone shot showed shrank shut sang sank sat slew slept slid
slung slit smelt spoke sped spent spilt spun spat spoilt sprang stood stole stuck stung stank strode struck strung
strove swore swept swam swung took taught tore told thought threw thrust trod understood undertook underwent upheld
undid withdrew withheld withstood woke wore wove wept won wrung wrote
""".split())

KNOWN_OUTLETS = frozenset("""
reuters|associated press|ap|afp|agence france-presse|bloomberg|cnn|bbc|fox news|fox|msnbc|nbc|nbc news|abc|abc news
|cbs|cbs news|npr|pbs|washington post|wp|new york times|nyt|wall street journal|wsj|guardian|the guardian|politico
|axios|the hill|hill|mcclatchy|breitbart|rt|russia today|sputnik|sputnik news|tass|ria novosti|interfax|al jazeera
|der spiegel|spiegel|le monde|le figaro|la repubblica|corriere della sera|ansa|dpa|efe|xinhua|usa today|time
|newsweek|the atlantic|atlantic|vox|buzzfeed|buzzfeed news|huffpost|huffington post|daily mail|the sun|telegraph
|financial times|ft|the economist|economist|los angeles times|la times|chicago tribune|vice|vice news|the intercept
|intercept|propublica|daily beast|the daily beast|new yorker|the new yorker|infowars|the federalist|daily caller
|the daily caller|gateway pundit|zero hedge|zerohedge|wikileaks|izvestia|kommersant|rbc|lenta|gazeta|tvn24
|onet|bild|die welt|welt|faz|süddeutsche zeitung|tagesschau|libération|liberation|le parisien|rai|mediaset
""".replace("\n", "").split("|"))

# capitalised sentence openers that name nothing even when a verb form follows: common nouns ("Police said"),
# adverbs and prepositions ("Despite claims by", "Newest reports from")
GENERIC_SUBJECTS = frozenset("""despite amid amidst unlike latest newest recent earlier later

police staff everyone everybody nobody somebody someone anyone anybody nothing something everything today
yesterday tonight tomorrow people government parliament officials authorities residents witnesses critics
observers analysts experts sources reports troops protesters voters investigators prosecutors doctors scientists
researchers teachers workers students children parents families neighbours neighbors locals users fans crews
firefighters rescuers survivors
""".split())


# the "according to" cues of the other corpus languages (fr, it, de, pl, ru): attribution finds sources after
# them, and the name finder never takes one into a name ("Selon Priya Natarajan, ..." names Priya Natarajan)
FOREIGN_ACCORDING_CUES = ("selon", "d'après", "d’après", "secondo", "stando a", "laut", "według", "по словам",
                          "по данным", "согласно")

# abbreviated titles that a name follows after ". " ("Ms. Angela Brooks", "Lt. Gen. Mark Hale", "St. Louis"): their
# dot ends no sentence
NAME_ABBREVIATIONS = frozenset("mr mrs ms dr prof rev sen rep gov gen lt col sgt capt cmdr st".split())

# verbs that report what a document shows, in the plural present that REPORTING_VERBS leaves out because a
# person rarely "shows" a claim ("state records show", "the documents reveal")
DOCUMENT_VERBS = ("show", "reveal", "suggest", "indicate", "confirm")

# common nouns for a person by occupation or situation (singular). An unnamed source can be one ("one emergency
# worker said", "a firefighter said"), and before a full name they describe rather than name ("Manager Ellen
# Price"). Words that are also common first names or surnames (hunter, baker, carter, cooper, mason, taylor,
# porter, fisher, smith) are left out.
PERSON_ROLES = frozenset("""
worker firefighter paramedic nurse doctor teacher resident neighbour neighbor witness manager owner farmer driver
passenger student pupil engineer technician volunteer survivor rescuer employee pensioner retiree shopkeeper
landlord tenant homeowner victim patient customer commuter motorist cyclist pedestrian lawyer singer rapper
actress author writer artist photographer journalist scientist researcher economist analyst soldier guard
shopper
""".split())
# family words, which describe a person before a full name as the roles above do ("Grandmother Joan Pike"); not
# unnamed sources on their own ("his mother said" says too little)
FAMILY_ROLES = frozenset("""mother father mum mom dad grandmother grandfather grandma grandpa granny wife husband
son daughter sister brother widow widower""".split())


# last words that make a capitalised sequence an organisation, building or place rather than a person ("Velkor
# Industries", "Harwick General Hospital", "Teacher Retirement System", "Maple Avenue"); not those that are also
# common surnames (hall, house, church, park, court, lake, mill, plant, banks)
ORGANISATION_WORDS = frozenset("""
industries inc corp corporation company co ltd llc plc group holdings partners hospital clinic university college
school academy institute foundation union association society federation league club party council committee
commission agency authority board department ministry office bureau service services system trust fund centre
center museum library theatre theater hotel airport station factory city county state province district street
avenue road square river island valley
""".split())


# what follows a noun, not a verb, in "claims by", "reports from", "says of": a present-tense -s form followed
# by one of these is read as a noun
NOUN_FOLLOWERS = frozenset("by from of about on for and or that to in with were are have had was is".split())


def is_finite_verb(word: str) -> bool:
    """A lower-case word that reads as a finite verb in a news sentence: a reporting verb, an irregular past
    tense or an -ed form ("Hungary blocked", "Reuters reported", "Lind flew")."""
    return word.islower() and (word in REPORTING_VERBS or word in IRREGULAR_PAST
                               or (len(word) >= 4 and word.endswith("ed")))
