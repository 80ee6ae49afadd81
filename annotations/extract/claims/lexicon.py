"""The words the claim rules look for: reporting, denial, hedge, request and factive cues,
report nouns (never a speaker), pronouns and descriptions that stand for a named source."""

from __future__ import annotations

import re

# Reporting verbs (lemmas), after textacy's REPORTING_VERBS, trimmed of verbs that are mostly
# something else in news ("charge", "call", "post", "ask") and of requests ("urge": a request
# is not a claim on its own).
REPORTING_VERBS = frozenset(
    """
    say tell write claim state add deny insist warn announce confirm report allege assert
    acknowledge admit argue explain note declare reveal disclose stress emphasize emphasise
    reiterate maintain contend concede testify tweet vow pledge promise threaten predict
    suggest accuse blame criticize criticise condemn reject dismiss refute dispute rebut
    agree disagree recall reply respond complain conclude mention observe remark comment cite
    indicate caution estimate believe fear expect suspect quote inform find assure
    fume rage gush snap quip boast retort joke exclaim lament scoff sneer
    """.split()
)
DENIAL_VERBS = frozenset("deny reject dismiss refute dispute rebut".split())
BELIEF_VERBS = frozenset("believe fear expect suspect estimate predict suggest".split())
# Wording that treats the report as fact ("confirmed", "as the agency notes").
FACTIVE_VERBS = frozenset("confirm note acknowledge admit reveal".split())
# Verbs that need a clause, a quotation or a denied object to report anything ("blamed the other").
CONTENT_OPTIONAL = DENIAL_VERBS | {"confirm"}  # "confirmed the sale"
# Verbs whose passive needs an agent to count ("he was told" is not a report).
PASSIVE_NEEDS_AGENT = frozenset("tell inform quote expect believe fear suspect".split())
# A reporting verb under these reports nothing ("declined to say", "refused to comment").
NOT_REPORTING_HEADS = frozenset("decline refuse fail unable".split())
# Requests and appeals: a quotation they govern is what was asked for, not a claim.
REQUEST_VERBS = frozenset("call urge ask appeal demand implore beg invite order instruct".split())
# Verbs that commit to an act when a to-infinitive follows ("vowed to fight"): no assertion.
COMMITMENT_VERBS = frozenset("threaten vow pledge promise".split())
HEARSAY_ADVERBS = frozenset("reportedly allegedly purportedly supposedly".split())
HEDGE_ADVERBS = frozenset(
    "reportedly allegedly purportedly supposedly apparently possibly perhaps probably "
    "seemingly presumably unconfirmed unverified preliminary".split()
)
HEDGE_MODALS = frozenset("may might could".split())
VERIFY_RE = re.compile(
    r"\b(?:could|can|cannot|can't|couldn't|not|unable to|impossible to)\s+(?:not\s+)?(?:be\s+)?"
    r"(?:independently\s+)?(?:verif|confirm)|\bunverified\b|\bunconfirmed\b",
    re.IGNORECASE,
)
# A disclaimer sentence hedges the claim before it only when it speaks of a claim.
DISCLAIMED_RE = re.compile(
    r"\b(?:claims?|account|accounts|reports?|allegations?|figures?|toll|statement)\b", re.IGNORECASE
)
DENIAL_RE = re.compile(
    r"\b(?:false|baseless|untrue|not true|no truth|whatsoever|categorically|nonsense)\b", re.IGNORECASE
)
QUANTITY_LABELS = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY"})
NOT_QUANTITIES = frozenset({"one", "1", "a", "an", "once", "single", "two", "both"})

# Nouns that carry a report but never speak: follow them to their author ("a statement by X").
REPORT_NOUNS = frozenset(
    """statement report reports data study survey forecast analysis poll figures estimate estimates
    message release document documents letter filing post tweet video footage findings research papers
    memo memorandum""".split()
)
AUTHOR_PREPS = frozenset("by from of".split())
# "a report published by X" names its author; "a report seen by X" does not.
AUTHOR_VERBS = frozenset("publish issue release compile write produce prepare conduct commission author".split())

# Quantifiers kept in an unnamed source as written ("some officials", "several witnesses").
QUANTIFIERS = frozenset("some several many most few all both other various numerous".split())
# Titles before a name in news beyond the linker's (normalize.TITLES): cut off the speaker, kept as role.
NEWS_TITLES = frozenset(
    """councillor councilor councilman councilwoman alderman alderwoman assemblyman assemblywoman
    congressman congresswoman delegate commissioner inspector detective superintendent sergeant
    constable chief coach officer director chairman chairwoman baroness baron earl viscount duke
    duchess countess""".split()
)
# Unnamed people who speak for the organisation they are "for" or "at" ("a spokeswoman for
# Harcourt Engineering", "analysts at Nordbank"): the organisation, when named, is the source.
REPRESENTATIVE_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson spokespeople spokespersons spokesmen spokeswomen
    representative analyst economist strategist team staff inspector""".split()
)  # not officials, lawyers or researchers: "a senior official at the ministry" is an anonymous source
REPRESENTATIVE_PREPS = frozenset("for at with from".split())
SPOKES_NOUNS = frozenset("spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen".split())
# Role nouns a description stands for a person by ("the ambassador", "the head of the union"),
# with the other nouns of the same role ("the union leader" for "the head of the union").
ROLE_SYNONYMS = {
    "head": "leader",
    "chief": "leader",
    "leader": "leader",
    "chairman": "leader",
    "chairwoman": "leader",
    "chair": "leader",
    "president": "leader",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    # organisations: the nouns wire copy uses for one another
    "carrier": "airline",
    "airline": "airline",
    "lender": "bank",
    "bank": "bank",
    "firm": "company",
    "company": "company",
    "watchdog": "regulator",
    "regulator": "regulator",
    "authority": "regulator",  # "the regulator" for the Civil Aviation Authority
    # a court's sides stand for their counsel ("The defence argued" for "His lawyer, Nadia Felber")
    "lawyer": "lawyer",
    "attorney": "lawyer",
    "counsel": "lawyer",
    "barrister": "lawyer",
    "solicitor": "lawyer",
    "defence": "lawyer",
    "defense": "lawyer",
    "prosecutor": "prosecutor",
    "prosecution": "prosecutor",
    "automaker": "carmaker",
    "carmaker": "carmaker",
}
PERSON_ROLE_NOUNS = frozenset(
    """ambassador envoy minister secretary mayor governor senator judge prosecutor lawyer attorney
    spokesman spokeswoman spokesperson head chief leader chairman chairwoman chair president
    director manager coach captain commander general officer official adviser advisor economist
    analyst researcher scientist professor doctor surgeon inspector detective sheriff chancellor
    premier king queen executive founder owner treasurer negotiator observer mediator
    superintendent principal editor striker midfielder defender goalkeeper winger forward player
    athlete champion defendant plaintiff suspect witness victim survivor author novelist actor actress
    singer artist candidate incumbent challenger nominee pilot chef star presenter host boss
    engineer teacher nurse farmer owner landlord resident neighbour neighbor shopkeeper
    counsel barrister solicitor defence defense prosecution""".split()
)
# A court's sides: only ever the counsel the text names as such, never the last person named.
COURT_SIDES = frozenset("defence defense prosecution".split())
# Nationalities a sports or wire story calls a person it named ("the Spaniard said", "the
# 24-year-old Kenyan"): a role description for the person just named.
DEMONYMS = frozenset(
    """afghan albanian algerian american argentine argentinian australian austrian bangladeshi
    belgian bolivian brazilian briton bulgarian cameroonian canadian chilean colombian croatian
    cuban cypriot czech dane dutchman dutchwoman ecuadorian egyptian englishman englishwoman
    estonian ethiopian filipino finn frenchman frenchwoman georgian german ghanaian greek hungarian
    icelander indian indonesian iranian iraqi irishman irishwoman israeli italian ivorian jamaican
    jordanian kazakh kenyan korean latvian lebanese libyan lithuanian malaysian mexican moroccan
    nigerian norwegian pakistani palestinian peruvian pole romanian russian rwandan scot scotsman
    scotswoman senegalese serb serbian slovak slovenian somali spaniard swede syrian tunisian turk
    ugandan ukrainian uruguayan venezuelan welshman welshwoman zimbabwean""".split()
)
# Common first names that say a person's gender in most of the countries news names them in
# (names given to both, such as Andrea, Jean, Kim, Sasha, left out): what a "he" or "she" skips.
FEMALE_FIRST_NAMES = frozenset(
    """mary maria marie anna ana anne ann elizabeth sarah sara emma olivia sophie sophia julia
    laura lisa linda susan karen helen helena elena ellen jane janet joan rebecca rachel ruth
    catherine katherine kate katie claire clara christine christina patricia jennifer jessica
    emily amy amanda angela monica nicole natalie nadia olga irina tatiana svetlana natalia
    fatima aisha amina leila priya anita sunita mei ying keiko hana carmen rosa lucia
    isabel isabella beatriz ines francesca giulia chiara ingrid astrid greta hanna petra eva
    margaret martha mariam miriam grace alice lucy charlotte victoria diana denise siobhan
    teresa theresa veronica valentina sofia ursula agnes yvonne brigitte sabine claudia""".split()
)
MALE_FIRST_NAMES = frozenset(
    """john james robert michael william david richard thomas charles joseph daniel paul mark
    peter george edward henry andrew anthony steven stephen kevin brian gary frank simon martin
    tom jack harry oliver alexander alexei sergei vladimir dmitry ivan igor mikhail nikolai
    mohammed muhammad ahmed ali omar hassan ibrahim yusuf mustafa abdul raj rahul arjun vijay
    hiroshi takeshi kenji carlos jose juan luis miguel pedro antonio manuel francisco
    jorge pablo diego marco luca giuseppe giovanni matteo pierre jean-pierre jacques francois
    hans klaus jurgen stefan lars erik anders johan karl fritz heinz ben samuel benjamin
    patrick sean liam ryan adam lukas jonas felix tobias mario roberto ricardo fernando""".split()
)
# Words that make a capitalised name a place's or an organisation's, not a person's.
NOT_PERSON_NAME_WORDS = frozenset(
    """city county street road valley river lake north south east west new general national
    international united royal first central health foods rail railways buses ferries energy motors
    airlines airways capital partners media news times post press herald gazette tribune courier
    fc town borough district province state republic island islands bay port harbour airport
    hospital clinic school university college highway route bridge park street road lane avenue
    square drive boulevard terrace crescent""".split()
)
# The last word of a street's name: spaCy often tags "Mill Lane" a person.
STREET_WORDS = frozenset("street road lane avenue square drive boulevard terrace crescent".split())
# Plural nouns for people who can speak, as a "they" may stand for ("Residents of Calvera").
GROUP_NOUNS = frozenset(
    """resident official witness worker doctor nurse protester analyst expert critic lawmaker
    researcher scientist parent teacher student farmer voter fan supporter member leader
    investigator prosecutor authority family survivor villager local activist employee staff
    shopper driver passenger owner manager executive diplomat negotiator organiser organizer
    campaigner volunteer rescuer firefighter engineer economist trader banker lawyer juror
    neighbour neighbor citizen people police""".split()
)
# How far back (characters) a role description looks for the person it describes.
ROLE_LOOKBACK_CHARS = 1500
PERSON_PRONOUNS = frozenset("he she him her".split())
GROUP_PRONOUNS = frozenset("they them".split())
ORG_PRONOUNS = frozenset({"it"})
RELATIVE_PRONOUNS = frozenset("who that which".split())
# Descriptions that stand for an organisation named before ("the agency", "the newspaper").
ORG_NOUNS = frozenset(
    """agency newspaper paper publication outlet broadcaster network magazine group organisation
    organization ministry company firm charity club team authority office department movement
    alliance resistance government council party coalition union court bank army military committee
    commission service institute foundation society association federation league body operator
    regulator hospital clinic university school college airline carrier insurer lender retailer
    manufacturer maker drugmaker developer utility trust board firm startup broadcaster ministry
    department bureau directorate district carmaker automaker steelmaker chipmaker planemaker shipbuilder
    miner producer supplier exporter importer chain supermarket grocer brewer publisher watchdog
    fund conglomerate giant museum gallery theatre theater orchestra library""".split()
)
# Last words of an organisation's name ("Ostrava Steelworks", "Kestrel Airlines"): a name spaCy
# tagged a person that ends in one is an organisation (with ORG_NOUNS and the legal designators).
ORG_NAME_WORDS = frozenset(
    """steelworks works pharma pharmaceuticals motors airlines airways industries partners capital
    energy foods systems technologies tech labs laboratories insurance mining logistics shipping
    ferries rail railways buses media holdings ventures solutions services networks telecom
    communications financial securities investments properties resources chemicals electronics
    construction engineering consulting brewery studios records hotels resorts united athletic
    rovers wanderers albion rangers""".split()
)
# Kinds of organisation news never calls by one another's nouns: a description of one kind
# ("the union") never stands for a name of another ("Varsund Post"). Other nouns ("the agency",
# "the company", "the authority") are used loosely and may stand for any organisation.
_ORG_FAMILIES = {
    "press": """newspaper paper publication outlet broadcaster magazine daily tabloid post times herald
        gazette tribune courier journal telegraph chronicle observer guardian mail express news review
        record examiner inquirer standard mirror bulletin dispatch ledger register globe""",
    "union": "union unions",
    "court": "court tribunal",
    "party": "party",
    "education": "university school college academy",
    "health": "hospital clinic",
    "business": """company firm utility maker manufacturer carrier airline airlines bank lender insurer
        retailer producer producers supplier exporter importer supermarket brewer brewery carmaker automaker
        makers manufacturers""",
    "public": """ministry department agency authority office bureau directorate council committee
        commission municipality regulator watchdog government""",
    "research": "institute",
    "sport": "club",
    "culture": "museum gallery theatre theater orchestra library",
}
ORG_FAMILIES = {w: family for family, words in _ORG_FAMILIES.items() for w in words.split()}
# Particles that belong to a surname ("de Wit", "van der Berg", "bin Hasyim"), capitalised or not.
NAME_PARTICLES = frozenset("van de der den von da dos das du ter ten bin binti di del della le la".split())
ORG_LABELS = frozenset({"ORG", "NORP", "GPE"})
# An organisation description names an organisation; only these stand for a place's government.
STATE_NOUNS = frozenset("government country state".split())
# A pronoun right after a claim by a compatible source continues it ("“...,” Mr Mujahid said. He said").
CONTINUES_CHARS = 300
PERSON_LABELS = frozenset({"PERSON"})

# Datelines and bylines that open a news story ("KABUL —", "OSLO (Market Ledger) -").
DATELINE_RE = re.compile(
    r"[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?\s*(?:\([^()\n]{1,60}\))?\s*(?:[—–-]{1,2}|:)\s+"
)
# Agency credits and boilerplate in parentheses: "(Reporting by ...; editing by ...)".
BOILERPLATE_RE = re.compile(r"\((?:additional\s+)?(?:reporting|writing|editing|compiled)\b[^()]*\)\s*$", re.IGNORECASE)

# Irregular forms, for pipelines without a lemmatizer.
IRREGULAR = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "denied": "deny",
    "denies": "deny",
    "replied": "reply",
    "replies": "reply",
    "testified": "testify",
    "testifies": "testify",
    "found": "find",
}
