"""English word lists that the name, source and claim heuristics share (cluster, attribution, claims), and the
attribution words of the other corpus languages (`attribution_words`)."""

from __future__ import annotations

from dataclasses import dataclass, field

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


# ---------------------------------------------------------------- attribution in the other corpus languages
#
# Word lists for source attribution in German, French, Italian, Polish and Russian (`attribution_words`). English
# attribution does not use them: it keeps REPORTING_VERBS and the lists above. Words are lower case; a word list
# marked "stems" matches inflected forms too (Polish and Russian nouns and names change with case: "według
# policji", "по словам мэра"), a German title also matches as the end of a compound ("Stadtsprecherin",
# "Bundeskanzler").


@dataclass(frozen=True)
class AttributionWords:
    """The words one language reports speech with, for `attribution`."""

    language: str
    # finite reporting verbs, one or more words ("sagte", "a déclaré", "ha detto"); "{adv}" marks where an adverb may
    # stand ("a {adv} déclaré" also matches "a également déclaré")
    verbs: tuple[str, ...]
    # verbs that an outlet or a document is the subject of ("berichtete", "écrit"): after the others an outlet is
    # whom the speaker told ("sagte der Zeitung", "заявил телеканалу CNN")
    report_verbs: frozenset[str]
    # a cue before the source: "laut X", "selon X", "по словам X"
    cues: tuple[str, ...]
    # gerunds that introduce a quote of the sentence's subject ("..., affermando: «...»")
    gerunds: tuple[str, ...] = ()
    # a cue after the source: "X zufolge"
    postpositions: tuple[str, ...] = ()
    # a word that attributes the preceding quote or clause to the name after it: German "..., so Keller"
    so_words: tuple[str, ...] = ()
    determiners: frozenset[str] = frozenset()
    # offices: before a name they make it official; alone ("le maire a déclaré") an official unnamed source
    offices: frozenset[str] = frozenset()
    # spokespeople and agents: before a name official, alone an unnamed source ("ein Sprecher", "un porte-parole")
    spokes: frozenset[str] = frozenset()
    # other roles of a person: before a name a person ("der Virologe Christian Drosten"); alone an unnamed source
    roles: frozenset[str] = frozenset()
    # institutions that speak as such ("die Polizei", "la préfecture", "министерство"): official
    institutions: frozenset[str] = frozenset()
    # unnamed groups ("Experten", "les sources", "źródła", "очевидцы"): anonymous, also when bare
    groups: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    # organisations that are not government ("der Verband", "le syndicat", "la chambre de commerce"): before a
    # name they head it ("der Verband Mitteldeutschland"); alone an unnamed but identified source of kind "person"
    # (the kind of any organisation that is neither an outlet nor an office), not an anonymous one
    organisations: frozenset[str] = frozenset()
    # words for a news outlet before its name ("die Zeitung", "le quotidien", "газета")
    outlet_words: frozenset[str] = frozenset()
    # outlet words that also name a public agency ("l'Agenzia regionale per l'ambiente", "l'Agence régionale de
    # santé"): with a complement or an adjective and no name, an institution unless `press_words` say a news agency
    agencies: frozenset[str] = frozenset()
    press_words: frozenset[str] = frozenset()
    # a cue that attributes the rest of its sentence only when it opens the sentence before a person and a comma:
    # French "Pour Hélène Marchand, ...", Italian "Per il sindaco, ..." (elsewhere they are plain prepositions)
    opinion_cues: tuple[str, ...] = ()
    # impersonal reporting ("hieß es", "heißt es"): the source, if any, is the phrase after one of
    # `impersonal_prepositions` ("hieß es aus dem Rathaus") or the one they open before it ("Aus dem Rathaus hieß
    # es")
    impersonal: tuple[str, ...] = ()
    impersonal_prepositions: frozenset[str] = frozenset()
    # verbs of naming whose quoted complement is the subject's words ("Brandt nannte den Plan „ein Desaster“"):
    # no source on their own, only the speaker of such a quote when the subject is a name
    naming_verbs: tuple[str, ...] = ()
    outlets: frozenset[str] = frozenset()
    # pronouns that can be a speaker, with the English pronoun they stand for ("er": "he")
    pronouns: dict[str, str] = field(default_factory=dict)
    # courtesy titles before a name ("Herr", "Mme"), with the pronoun they fit
    courtesy: dict[str, str] = field(default_factory=dict)
    # capitalised words that are no names (sentence openers, pronouns, weekdays ...)
    stop: frozenset[str] = frozenset()
    # prepositions: a name right after one is no subject ("mit Keller", "au Monde", "z prezydentem")
    prepositions: frozenset[str] = frozenset()
    # adverbs and time words that may stand between a verb and its subject ("sagte gestern Keller")
    fillers: frozenset[str] = frozenset()
    # lower-case words allowed inside a name ("von der Leyen", "de Gaulle")
    connectors: frozenset[str] = frozenset()
    # nouns and names are inflected: list words match as stems, and name keys drop case endings
    stems: bool = False
    # feminine forms of verbs end so (Polish "powiedziała", Russian "сказала"): the speaker is a woman
    feminine_endings: tuple[str, ...] = ()
    masculine_endings: tuple[str, ...] = ()


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _forms(auxiliaries: str, participles: str, gap: str = "{adv}") -> tuple[str, ...]:
    return tuple(f"{aux} {gap} {p}" for aux in auxiliaries.split() for p in participles.split())


# German perfect tense: the participle closes the clause, and the subject may stand between ("hat Keller gesagt",
# "hat die Polizei am Montag mitgeteilt"), as before a separable particle
_GERMAN_PARTICIPLES = ("gesagt erklärt betont mitgeteilt hinzugefügt gemeint gewarnt bestätigt berichtet geschrieben "
                       "erläutert ergänzt unterstrichen kritisiert eingeräumt hervorgehoben geäußert gemeldet "
                       "bekräftigt behauptet verkündet angekündigt klargestellt zitiert")


_WEEKDAYS_MONTHS = {
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag januar februar märz april mai juni "
          "juli august september oktober november dezember",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août "
          "septembre octobre novembre décembre",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio marzo aprile maggio giugno "
          "luglio agosto settembre ottobre novembre dicembre",
    "pl": "poniedziałek wtorek środa czwartek piątek sobota niedziela styczeń luty marzec kwiecień maj czerwiec "
          "lipiec sierpień wrzesień październik listopad grudzień",
    "ru": "понедельник вторник среда четверг пятница суббота воскресенье январь февраль март апрель май июнь "
          "июль август сентябрь октябрь ноябрь декабрь",
}

_GERMAN = AttributionWords(
    language="de",
    verbs=("sagte", "sagten", "sagt", "sagen", "erklärte", "erklärten", "erklärt", "betonte", "betonten", "betont",
           "teilte {part} mit", "teilten {part} mit", "teilt {part} mit", "mitteilte", "mitteilten",
           "fügte {part} hinzu", "fügten {part} hinzu", "hinzufügte", "meinte", "meinten", "meint", "warnte",
           "warnten", "warnt", "bestätigte", "bestätigten", "bestätigt", "berichtete", "berichteten", "berichtet",
           "schrieb", "schrieben", "schreibt", "erläuterte", "erläutert", "ergänzte", "ergänzt", "unterstrich",
           "kritisierte", "kritisiert", "räumte {part} ein", "einräumte", "hob {part} hervor", "hervorhob",
           "äußerte", "sagte {part} aus", "meldete", "meldet", "bekräftigte", "versicherte", "behauptete",
           "behauptet", "verkündete", "kündigte {part} an", "ankündigte", "stellte {part} klar", "klarstellte",
           "zitierte", "zitiert") + _forms("hat haben hatte hatten habe", _GERMAN_PARTICIPLES, "{part}"),
    report_verbs=_set("berichtete berichteten berichtet schrieb schrieben schreibt meldete meldet zitierte zitiert "
                      "geschrieben gemeldet"),
    gerunds=(),
    cues=("laut", "nach angaben von", "nach angaben des", "nach angaben der", "nach angaben", "nach auskunft von",
          "nach auskunft des", "nach auskunft der", "gemäß", "wie von", "unter berufung auf"),
    postpositions=("zufolge",),
    so_words=("so",),
    impersonal=("hieß es", "heißt es", "hiess es", "heisst es"),
    impersonal_prepositions=_set("aus von vom bei beim seitens in im"),
    naming_verbs=("nannte", "nannten", "nennt", "nennen", "bezeichnete", "bezeichneten", "bezeichnet"),
    determiners=_set("""der die das den dem des ein eine einer eines einem einen sein seine seinen seinem seiner seines
ihr ihre ihren ihrem ihrer ihres dein deine deinen deinem unser unsere unseren unserem euer eure dieser diese dieses
diesem diesen jener jene"""),
    offices=_set("""bürgermeister bürgermeisterin oberbürgermeister oberbürgermeisterin minister ministerin
ministerpräsident ministerpräsidentin präsident präsidentin kanzler kanzlerin bundeskanzler bundeskanzlerin
staatssekretär staatssekretärin senator senatorin gouverneur gouverneurin botschafter botschafterin abgeordnete
abgeordneter landrat landrätin bürgerbeauftragte staatsanwalt staatsanwältin oberstaatsanwalt richter richterin
polizeipräsident polizeipräsidentin polizeichef polizeichefin feuerwehrchef bundespräsident bundespräsidentin
außenminister außenministerin innenminister innenministerin regierungschef regierungschefin premierminister
premierministerin general generalsekretär generalsekretärin vorsitzende vorsitzender parteichef parteichefin
stadtrat stadträtin dezernent dezernentin beigeordnete beigeordneter kommissar kommissarin"""),
    spokes=_set("""sprecher sprecherin pressesprecher pressesprecherin regierungssprecher regierungssprecherin
polizeisprecher polizeisprecherin stadtsprecher stadtsprecherin vertreter vertreterin beamter beamtin beamte"""),
    roles=_set("""experte expertin virologe virologin ökonom ökonomin analyst analystin wissenschaftler
wissenschaftlerin forscher forscherin politologe politologin arzt ärztin anwalt anwältin rechtsanwalt rechtsanwältin
augenzeuge augenzeugin zeuge zeugin anwohner anwohnerin geschäftsführer geschäftsführerin chef chefin direktor
direktorin leiter leiterin vorstandschef vorstandschefin professor professorin historiker historikerin
journalist journalistin bewohner bewohnerin mitarbeiter mitarbeiterin gewerkschafter gewerkschafterin"""),
    institutions=_set("""polizei regierung bundesregierung landesregierung stadtverwaltung verwaltung ministerium
behörde behörden staatsanwaltschaft feuerwehr kreml weißes pentagon bundeswehr armee gericht verfassungsgericht
bundesverfassungsgericht stadt gemeinde rathaus bundesamt landesamt kommission innenministerium amt
bürgermeisteramt landratsamt auswärtiges
außenministerium gesundheitsministerium verteidigungsministerium"""),
    groups=_set("""experten quellen kreise beamte ermittler zeugen augenzeugen analysten wissenschaftler forscher
diplomaten insider anwohner ärzte sicherheitskreise regierungskreise quelle gewerkschafter"""),
    documents=_set("""bericht berichte berichten berichts studie studien umfrage dokument dokumente dokumenten papier
schätzungen schätzung daten statistik statistiken untersuchung analyse gutachten gesetz gesetzes verordnung
vertrag mitteilung pressemitteilung erklärung stellungnahme"""),
    organisations=_set("""verband gewerkschaft unternehmen konzern firma partei kammer verein stiftung institut
bündnis genossenschaft initiative vereinigung"""),
    agencies=_set("agentur"),
    press_words=_set("nachrichten presse"),
    outlet_words=_set("""zeitung tageszeitung wochenzeitung magazin nachrichtenmagazin agentur nachrichtenagentur
sender fernsehsender rundfunk portal nachrichtenportal blatt"""),
    outlets=_set("""dpa afp reuters ard zdf rnd taz ntv n-tv bild spiegel stern focus zeit handelsblatt faz welt
tagesschau tagesspiegel anf"""),
    pronouns={"er": "he", "sie": "she"},
    courtesy={"herr": "he", "frau": "she", "dr": "", "prof": ""},
    stop=_set("""der die das den dem des ein eine einer eines einem einen er sie es wir ich ihr man und aber auch
doch dann denn heute gestern morgen jetzt nun so laut nach wie was wer wenn als am im in auf für mit bei von zu
vom zum zur dies diese dieser dieses dabei damit dazu deshalb daher darum zudem außerdem bereits schon noch nur
hier dort da ob dass weil obwohl während seit bis gegen ohne um über unter vor hinter neben zwischen durch
inzwischen zuvor zunächst später anschließend immer nie niemand jeder jede alle viele einige mehrere kein keine
sein seine ihre ihren unser unsere mein meine nicht ja nein bitte danke wo wann warum weshalb wieso welche
welcher welches zufolge gemäß herr frau dr prof infolgedessen nebenbei andererseits einerseits demnach demzufolge
zwar allerdings jedoch trotzdem dennoch stattdessen übrigens tatsächlich offenbar offensichtlich vermutlich
angeblich bislang bisher erstmals schließlich letztlich insgesamt insbesondere deswegen folglich somit also
ebenso ebenfalls gleichzeitig zugleich danach davor darauf daraufhin hierzu hingegen jedenfalls immerhin
natürlich sicherlich wahrscheinlich vielleicht kaum bald sofort""" + " " + _WEEKDAYS_MONTHS["de"]),
    prepositions=_set("""an am auf aus bei beim mit nach von vom zu zum zur für gegen ohne um über unter vor hinter
neben zwischen durch in im gegenüber seitens trotz wegen dank"""),
    fillers=_set("""auch denn dazu gestern heute zudem weiter weiterhin außerdem ebenfalls bereits schon noch nun
jetzt kürzlich zuletzt damals später zuvor wörtlich ausdrücklich erneut"""),
    connectors=_set("von van der de"),
)

_FRENCH_PARTICIPLES = ("déclaré dit affirmé expliqué indiqué précisé ajouté souligné estimé assuré annoncé confirmé "
                       "reconnu averti martelé insisté répondu raconté rappelé écrit déploré dénoncé jugé confié "
                       "prévenu lancé rapporté conseillé clamé poursuivi détaillé résumé tranché souligné glissé")
_FRENCH = AttributionWords(
    language="fr",
    verbs=_forms("a ont avait avaient aurait auraient", _FRENCH_PARTICIPLES) + (
        "déclare", "déclarent", "dit", "disent", "affirme", "affirment", "explique", "expliquent", "indique",
        "indiquent", "précise", "précisent", "ajoute", "ajoutent", "souligne", "soulignent", "estime", "estiment",
        "assure", "assurent", "annonce", "confirme", "reconnaît", "avertit", "martèle", "insiste", "répond",
        "raconte", "rappelle", "écrit", "écrivent", "rapporte", "rapportent", "déclara", "affirma", "expliqua",
        "ajouta", "répondit", "lança", "confie", "dénonce", "déplore", "juge", "poursuit", "conclut", "observe",
        "relève", "note", "résume", "tranche", "continue", "détaille", "glisse", "avance", "commente"),
    report_verbs=_set("écrit écrivent rapporte rapportent") | {f"a {{adv}} {p}" for p in ("écrit", "rapporté")},
    gerunds=("en déclarant", "en disant", "déclarant", "ajoutant", "expliquant", "affirmant", "soulignant",
             "précisant", "estimant", "écrivant"),
    cues=("selon", "d'après", "d’après", "de l'avis de", "de l’avis de", "aux dires de", "citant"),
    determiners=_set("le la les l' l’ un une des du de d' d’ au aux ce cette ces son sa ses leur leurs"),
    offices=_set("""maire président présidente ministre premier-ministre préfet préfète député députée sénateur
sénatrice ambassadeur ambassadrice procureur procureure juge chancelier chancelière gouverneur secrétaire
commissaire général adjoint adjointe conseiller conseillère élu élue chef"""),
    spokes=_set("""porte-parole représentant représentante responsable fonctionnaire diplomate"""),
    roles=_set("""expert experte analyste politologue économiste chercheur chercheuse scientifique médecin
avocat avocate directeur directrice témoin habitant habitante professeur professeure historien historienne
virologue épidémiologiste syndicaliste militant militante patron patronne dirigeant dirigeante hydrologue
climatologue sociologue démographe architecte ingénieur ingénieure agriculteur agricultrice éleveur producteur
juriste journaliste femme
homme"""),
    institutions=_set("""police gendarmerie gouvernement ministère préfecture mairie élysée kremlin pentagone parquet
tribunal armée commission autorités administration justice"""),
    groups=_set("""experts sources responsables analystes témoins observateurs spécialistes chercheurs scientifiques
diplomates enquêteurs habitants proches source syndicalistes"""),
    documents=_set("""rapport rapports étude études sondage enquête document documents données chiffres
statistiques bilan note analyse"""),
    organisations=_set("""syndicat syndicats chambre association fédération confédération entreprise société
compagnie groupe banque ong parti collectif fondation institut observatoire coopérative"""),
    agencies=_set("agence"),
    press_words=_set("presse"),
    opinion_cues=("pour",),
    naming_verbs=("a qualifié", "ont qualifié", "qualifie", "qualifient"),
    outlet_words=_set("""journal quotidien hebdomadaire magazine agence chaîne radio site média"""),
    outlets=frozenset(("afp", "le monde", "le figaro", "libération", "le parisien", "les échos", "l'express",
                       "le point", "franceinfo", "france info", "bfmtv", "tf1", "ouest-france", "mediapart",
                       "le journal du dimanche", "france 24", "radio france", "l'humanité", "la croix", "reuters",
                       "bloomberg")),
    pronouns={"il": "he", "elle": "she"},
    courtesy={"m.": "he", "mme": "she", "mme.": "she", "monsieur": "he", "madame": "she", "dr": "", "pr": ""},
    stop=_set("""le la les l un une des du de d au aux ce cette ces cet il elle ils elles on nous vous je tu mais et
ou donc car ni or selon pour dans sur avec par sans sous chez vers entre depuis pendant avant après lors
quand si que qui quoi dont où comme ainsi alors aussi puis enfin pourtant cependant toutefois encore déjà
aujourd'hui hier demain là ici autrement son sa ses leur leurs mon ma mes notre nos votre vos tout tous toute toutes
certains plusieurs chaque aucun aucune rien personne oui non m mme monsieur madame""" + " " +
                 _WEEKDAYS_MONTHS["fr"]),
    prepositions=_set("""à au aux de du des d' d’ pour par avec sans sous sur dans chez vers entre contre en
auprès envers"""),
    fillers=_set("""également aussi encore alors ensuite déjà ainsi notamment hier aujourd'hui récemment lundi mardi
mercredi jeudi vendredi samedi dimanche enfin"""),
    connectors=_set("de du des la le d' d’"),
)

_ITALIAN_PARTICIPLES = ("detto dichiarato affermato spiegato aggiunto sottolineato precisato annunciato confermato "
                        "ribadito commentato osservato scritto riferito raccontato ammesso avvertito assicurato "
                        "evidenziato rimarcato denunciato spiegato replicato risposto concluso")
_ITALIAN = AttributionWords(
    language="it",
    verbs=_forms("ha hanno aveva avevano avrebbe avrebbero", _ITALIAN_PARTICIPLES) + (
        "dice", "dicono", "dichiara", "dichiarano", "afferma", "affermano", "spiega", "spiegano", "aggiunge",
        "aggiungono", "sottolinea", "precisa", "annuncia", "conferma", "ribadisce", "commenta", "osserva", "scrive",
        "scrivono", "riferisce", "racconta", "ammette", "avverte", "assicura", "evidenzia", "denuncia", "replica",
        "risponde", "conclude", "sostiene", "disse", "dichiarò", "affermò", "spiegò", "aggiunse", "scrisse",
        "riportato",
        "riporta", "riportano"),
    report_verbs=_set("scrive scrivono riporta riportano riferisce") | {f"ha {{adv}} {p}" for p in ("scritto",
                                                                                                  "riferito")},
    gerunds=("affermando", "dicendo", "spiegando", "aggiungendo", "dichiarando", "sottolineando", "precisando",
             "ribadendo", "scrivendo"),
    cues=("secondo quanto riferito da", "secondo quanto riportato da", "secondo quanto dichiarato da",
          "secondo quanto affermato da", "secondo", "stando a", "a detta di", "come riferito da",
          "come riportato da", "citando"),
    determiners=_set("il lo la i gli le l' l’ un uno una un' un’ del dello della dei degli delle dell' dell’ al "
                     "allo alla ai agli alle all' all’ dal dallo dalla dai dagli dalle dall' dall’ quel quella "
                     "questo questa suo sua"),
    offices=_set("""sindaco sindaca presidente ministro ministra premier prefetto deputato deputata senatore
senatrice ambasciatore ambasciatrice procuratore procuratrice giudice cancelliere governatore governatrice
segretario segretaria commissario commissaria generale assessore assessora consigliere consigliera questore
capo leader"""),
    spokes=_set("""portavoce rappresentante responsabile funzionario funzionaria diplomatico"""),
    roles=_set("""esperto esperta analista politologo politologa economista ricercatore ricercatrice scienziato
scienziata medico avvocato avvocata direttore direttrice testimone residente professore professoressa storico
storica virologo virologa epidemiologo sindacalista attivista imprenditore imprenditrice donna uomo"""),
    institutions=_set("""polizia carabinieri governo ministero prefettura questura comune procura tribunale
cremlino pentagono esercito commissione autorità regione guardia"""),
    groups=_set("""esperti fonti analisti testimoni osservatori specialisti ricercatori scienziati diplomatici
inquirenti investigatori residenti fonte sindacalisti"""),
    documents=_set("""rapporto rapporti studio studi sondaggio indagine documento documenti dati cifre statistiche
analisi relazione"""),
    organisations=_set("""sindacato sindacati associazione federazione confederazione azienda società gruppo banca
partito camera fondazione istituto cooperativa consorzio"""),
    agencies=_set("agenzia"),
    press_words=_set("stampa notizie"),
    opinion_cues=("per",),
    naming_verbs=("ha definito", "hanno definito", "definisce", "definiscono", "ha bollato", "bolla"),
    outlet_words=_set("""giornale quotidiano settimanale rivista agenzia emittente canale testata sito"""),
    outlets=frozenset(("ansa", "adnkronos", "la repubblica", "repubblica", "corriere della sera", "corriere",
                       "la stampa", "il sole 24 ore", "il fatto quotidiano", "il giornale", "rai", "tgcom24",
                       "sky tg24", "il messaggero", "avvenire", "reuters", "bloomberg", "afp")),
    pronouns={"lui": "he", "lei": "she", "egli": "he", "ella": "she"},
    courtesy={"signor": "he", "signore": "he", "signora": "she", "sig.": "he", "sig.ra": "she", "dott.": "",
              "dottor": "he", "dottoressa": "she", "prof.": "", "on.": ""},
    stop=_set("""il lo la i gli le l un uno una del della dei delle al alla ai dal dalla lui lei egli ella loro noi
voi io tu ma e ed o oppure però quindi dunque secondo per in con da di su tra fra senza sotto sopra verso
durante dopo prima quando se che chi cui dove come così anche ancora già oggi ieri domani qui lì questo questa
questi queste quel quella quelli suo sua suoi sue tutto tutti tutta tutte alcuni molti nessuno niente sì no
non signor signora""" + " " + _WEEKDAYS_MONTHS["it"]),
    prepositions=_set("""a al allo alla ai agli alle all' all’ di del dello della dei degli delle dell' dell’ da dal
dallo dalla dai dagli dalle dall' dall’ in nel nello nella nei negli nelle nell' nell’ su sul sulla sui con col
per tra fra verso contro"""),
    fillers=_set("""anche poi inoltre ancora già ieri oggi infatti invece ora successivamente recentemente
lunedì martedì mercoledì giovedì venerdì sabato domenica"""),
    connectors=_set("di de del della da dal d' d’ la lo"),
)

_POLISH = AttributionWords(
    language="pl",
    verbs=tuple(f"{stem}{ending}" for stem in (
        "powiedział", "stwierdził", "oświadczył", "zaznaczył", "podkreślił", "dodał", "przekazał", "poinformował",
        "ocenił", "napisał", "zapowiedział", "przyznał", "wyjaśnił", "mówił", "zauważył", "tłumaczył", "przekonywał",
        "ogłosił", "potwierdził", "zapewnił", "ostrzegł", "twierdził", "relacjonował", "podał", "stwierdził",
        "zadeklarował", "skomentował", "odpowiedział", "wskazał", "przypomniał", "uznał")
        for ending in ("", "a", "o", "y", "i")) + (
        "mówi", "mówią", "twierdzi", "twierdzą", "podkreśla", "zaznacza", "dodaje", "uważa", "uważają", "ocenia",
        "przekonuje", "pisze", "piszą", "wyjaśnia", "informuje", "stwierdza", "oświadcza", "podaje", "podają",
        "zauważa", "tłumaczy", "ostrzega", "przyznaje", "zapewnia", "wskazuje", "przypomina"),
    report_verbs=_set("pisze piszą podaje podają informuje napisał napisała napisało podał podała podało "
                      "poinformował poinformowała poinformowało"),
    gerunds=("mówiąc", "dodając", "podkreślając", "stwierdzając", "pisząc", "tłumacząc", "zaznaczając"),
    cues=("według", "zdaniem", "jak podaje", "jak podają", "jak informuje", "cytowany przez", "cytowana przez",
          "powołując się na"),
    determiners=_set("swój swoim swoja swojej swoich swoje mój moim moja jego jej ich nasz naszym nasza ten tego tym "
                     "ta tej te"),
    offices=_set("""burmistrz prezydent premier minister ministra wiceminister wojewoda starosta wójt poseł posłanka
senator senatorka ambasador prokurator sędzia kanclerz gubernator sekretarz komisarz generał komendant marszałek
przewodniczący przewodnicząca szef szefowa prezes prezeska radny radna wicepremier"""),
    spokes=_set("""rzecznik rzeczniczka przedstawiciel przedstawicielka urzędnik urzędniczka dyplomata"""),
    roles=_set("""ekspert ekspertka analityk analityczka politolog ekonomista ekonomistka badacz badaczka naukowiec
lekarz lekarka adwokat prawnik prawniczka dyrektor dyrektorka świadek mieszkaniec mieszkanka profesor
profesorka historyk historyczka autor autorka wirusolog epidemiolog działacz działaczka aktywistka aktywista
związkowiec"""),
    institutions=_set("""policja policji rząd ministerstwo resort urząd prokuratura sąd kreml pentagon wojsko armia
straż komisja władze służby magistrat ratusz kancelaria sztab"""),
    groups=_set("""eksperci ekspertów źródła źródeł analitycy analityków świadkowie świadków obserwatorzy
naukowcy naukowców badacze badaczy mieszkańcy mieszkańców dyplomaci dyplomatów urzędnicy urzędników śledczy
ekonomiści ekonomistów związkowcy związkowców"""),
    documents=_set("""raport raportu raporty badanie badania sondaż sondażu dokument dokumenty dane danych
statystyki analiza analizy"""),
    # (not "partia": its stem "part" would take "partner")
    organisations=_set("""związek związku spółka spółki stowarzyszenie fundacja"""),
    agencies=_set("agencja"),
    press_words=_set("prasowa prasowej informacyjna informacyjnej"),
    naming_verbs=("nazwał", "nazwała", "nazwali", "określił", "określiła", "określili"),
    outlet_words=_set("""gazeta dziennik tygodnik portal agencja telewizja stacja radio serwis"""),
    outlets=frozenset(("pap", "rzeczpospolita", "gazeta wyborcza", "wyborcza", "wprost", "polsat", "polsat news",
                       "tvp", "tvp info", "tvn", "tvn24", "rmf fm", "rmf", "interia", "onet", "wp.pl",
                       "dziennik gazeta prawna", "fakt", "super express", "newsweek", "do rzeczy", "sieci",
                       "reuters", "bloomberg", "afp", "money.pl", "bankier.pl", "business insider")),
    pronouns={"on": "he", "ona": "she"},
    courtesy={"pan": "he", "pani": "she", "dr": "", "prof.": "", "prof": ""},
    stop=_set("""w we na z ze do od po za przez przy pod nad o u dla bez jak ale i a lub albo czy oraz lecz więc
bo że żeby gdy kiedy jeśli jeżeli według zdaniem on ona ono oni one my wy ja ty to ten ta te tego tej tym ich
jego jej nasz nasza wasz wasza ich tak nie też także również już jeszcze dziś dzisiaj wczoraj jutro teraz
tutaj tam kto co gdzie dlaczego który która które każdy wszyscy wszystko nikt nic pan pani tymczasem natomiast
jednak dlatego potem wtedy wówczas zatem otóż ponadto poza oczywiście niestety właśnie wreszcie także również
przecież zresztą chociaż choć bowiem stąd""" + " " +
                 _WEEKDAYS_MONTHS["pl"]),
    prepositions=_set("""w we na z ze do od po za przez przy pod nad o u dla bez przed między ku wobec"""),
    fillers=_set("""też także również wczoraj dziś dzisiaj jeszcze już później wcześniej ponadto wówczas wtedy
natomiast zaś"""),
    connectors=_set("de von van da di"),
    stems=True,
    feminine_endings=("ła",),
    masculine_endings=("ł",),
)

_RUSSIAN = AttributionWords(
    language="ru",
    verbs=tuple(f"{stem}{ending}" for stem in (
        "сказал", "заявил", "сообщил", "отметил", "подчеркнул", "добавил", "пояснил", "рассказал", "заметил",
        "написал", "признал", "уточнил", "констатировал", "объяснил", "указал", "напомнил", "предупредил",
        "подтвердил", "заверил", "оценил", "выразил", "призвал", "ответил", "говорил", "резюмировал", "считал",
        "передал", "сообщило", "высказал", "утверждал", "обратил")
        for ending in ("", "а", "о", "и")) + (
        "считает", "считают", "говорит", "говорят", "заявляет", "заявляют", "отмечает", "отмечают", "утверждает",
        "утверждают", "подчеркивает", "подчёркивает", "сообщает", "сообщают", "пишет", "пишут", "передает",
        "передаёт", "поясняет", "уточняет", "указывает", "напоминает", "полагает",
        "полагают", "уверен", "уверена", "уверены"),
    report_verbs=_set("пишет пишут передает передаёт сообщает сообщают написал написала написало сообщило "
                      "сообщил сообщила"),
    gerunds=("заявив", "отметив", "подчеркнув", "добавив", "сказав", "заявляя", "подчеркивая", "написав"),
    cues=("по словам", "по данным", "по мнению", "по сведениям", "по информации", "по оценке", "по оценкам",
          "согласно", "как сообщает", "как сообщают", "как пишет", "со ссылкой на"),
    offices=_set("""мэр губернатор президент премьер премьер-министр министр замминистра глава посол депутат сенатор
прокурор судья канцлер генерал секретарь генсек председатель председателя спикер вице-премьер вице-президент
лидер руководитель директор начальник комиссар мэра"""),
    spokes=_set("""пресс-секретарь представитель представительница официальный чиновник дипломат"""),
    roles=_set("""эксперт аналитик политолог экономист исследователь учёный ученый врач адвокат юрист свидетель
очевидец житель жительница профессор историк вирусолог эпидемиолог активист активистка журналист журналистка
публицист блогер"""),
    institutions=_set("""полиция полиции правительство министерство минобороны минздрав мид кремль пентагон
прокуратура суд армия ведомство администрация мэрия комиссия власти госдеп госдума дума штаб"""),
    groups=_set("""эксперты экспертов источники источников аналитики аналитиков очевидцы очевидцев свидетели
свидетелей наблюдатели наблюдателей учёные ученые учёных ученых исследователи исследователей жители жителей
дипломаты дипломатов чиновники чиновников"""),
    documents=_set("""доклад доклада отчет отчёт отчета отчёта исследование исследования опрос опроса документ
документы документов данные данных статистика статистики анализ"""),
    # (not "партия": its stem "парт" would take "партнеры")
    organisations=_set("""профсоюз компания корпорация ассоциация концерн"""),
    agencies=_set("агентство агентства"),
    press_words=_set("информационное информационного новостей"),
    naming_verbs=("назвал", "назвала", "назвали"),
    outlet_words=_set("""газета газеты издание издания агентство агентства телеканал телеканала радиостанция
портал журнал журнала сайт"""),
    outlets=frozenset(("тасс", "риа новости", "интерфакс", "коммерсантъ", "коммерсант", "известия", "рбк",
                       "лента.ру", "ведомости", "рт", "russia today", "reuters", "bloomberg", "bbc", "cnn", "afp",
                       "новая газета", "российская газета", "медуза", "первый канал", "россия 24", "regnum",
                       "регнум", "ria", "tass")),
    determiners=_set("свой своего своему своим своём своя своей свою его её ее их мой моя наш наша ваш этот этого этом "
                     "эта этой эту это эти"),
    pronouns={"он": "he", "она": "she"},
    courtesy={"г-н": "he", "господин": "he", "госпожа": "she", "г-жа": "she"},
    stop=_set("""в во на с со к ко по за из от до о об у для без при про через над под и а но или да же ли как что
чтобы когда если хотя потому поэтому это этот эта эти тот та те он она оно они мы вы я ты его её ее их наш
наша ваш ваша свой своя так не ни также тоже уже ещё еще сегодня вчера завтра сейчас теперь здесь там кто
где почему который которая которые каждый все всё весь никто ничего согласно впрочем однако ранее позже
затем кроме между тем напомним итак поэтому причем причём зато ведь даже именно конечно кстати например""" + " " +
                 _WEEKDAYS_MONTHS["ru"]),
    prepositions=_set("""в во на с со к ко по за из от до о об у для без при про через над под перед между"""),
    fillers=_set("также тоже вчера сегодня ранее позже уже ещё еще впоследствии затем"),
    connectors=_set("де фон ван да ди"),
    stems=True,
    feminine_endings=("ла",),
    masculine_endings=("л",),
)

ATTRIBUTION_WORDS: dict[str, AttributionWords] = {w.language: w for w in (_GERMAN, _FRENCH, _ITALIAN, _POLISH,
                                                                          _RUSSIAN)}


def attribution_words(language: str | None) -> AttributionWords | None:
    """The attribution words of a language ("de", "de-AT", "FR" ...), or None for English, no language or a
    language without its own lists (which keep the English rules)."""
    if not language:
        return None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return ATTRIBUTION_WORDS.get(code)
