"""Word lists and phrase tables for the guided advisor's language understanding.

Data only; :mod:`app.conversation.nlu` compiles it once at import time.

Phrases are regular-expression fragments matched, as whole words, against lower-cased text in
which number words have already become digits ("two hundred" -> "200"). A single space in a
phrase means "one or more spaces". Each table is a sequence of ``(value, strength, phrases)``:

* a ``STRONG`` phrase is specific enough to count wherever it appears ("standing seam",
  "lots of trees", "next year");
* a ``WEAK`` phrase only counts as the answer to the question the advisor just asked ("metal"
  when asked about the roof, "now" when asked about timing) or, for the roof, right next to the
  word "roof".

Where several phrases match at the same place the longest phrase wins, so "a little shade"
beats "a little" and "not great" beats "great".
"""

from __future__ import annotations

from typing import Final

STRONG: Final = True
WEAK: Final = False

PhraseTable = tuple[tuple[str, bool, tuple[str, ...]], ...]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- property type ------------------------------------------------------------------------------

_HOUSE_ADJECTIVE = (
    r"(?:a|regular|normal|typical|standard|ordinary|whole|private|standalone|stand-alone"
    r"|free-?standing|detached|brick|stucco|wood|suburban|ranch|ranch-style|craftsman"
    r"|(?:1|2|3|one|single|split)[\s-]*(?:story|storey|level))"
)

PROPERTY_PHRASES: PhraseTable = (
    (
        "single_family",
        STRONG,
        (
            r"single[\s-]*family(?: detached)?(?: home| house| residence| property)?",
            r"detached (?:single[\s-]*family )?(?:home|house)",
            _HOUSE_ADJECTIVE + r" (?:family )?house",
            r"(?:ranch|ranch-style|craftsman|colonial|victorian|split[\s-]*level) (?:home|style)",
            r"farm ?house",
            r"bungalow",
            r"sfh",
            r"single[\s-]*fam",
            r"colonial",
            r"victorian",
            r"craftsman",
            r"cape cod",
            r"(?:split|tri|bi)[\s-]*level",
            r"split[\s-]*(?:foyer|entry)",
            r"ranch(?! dressing)",
            r"(?:standalone|stand-alone|detached|free-?standing) (?:home|house)",
            r"[1-9] ?-?(?:bed(?:room)?s?|br|bd|bdr|bdrm)(?: [0-9.]+ ?(?:bath(?:room)?s?|ba))?"
            r" (?:house|home|cape|ranch)",
            r"[0-9,]+ (?:sq\.? ?ft\.?|sqft|square (?:feet|foot)) (?:house|home|cape|ranch)",
            r"(?:own|owns|owned|have|bought) (?:a|an|the|our|my) (?:[0-9]{4}s )?cape",
        ),
    ),
    (
        "single_family",
        WEAK,
        (r"house", r"ranch", r"cottage", r"cabin", r"colonial", r"victorian", r"detached"),
    ),
    (
        "townhouse",
        STRONG,
        (
            r"town ?houses?",
            r"town ?homes?",
            r"row ?houses?",
            r"row ?homes?",
            r"brownstone",
            r"attached (?:home|house)",
        ),
    ),
    (
        "condo",
        STRONG,
        (
            r"condominiums?",
            r"condos?",
            r"co-?op apartment",
            r"own(?:s|ed)? (?:an|the|our|my) apartment",
            r"apartment (?:that )?(?:i|we) own",
        ),
    ),
    # A bare "apartment" may be rented or a condo: only an owned one ("own an apartment") is.
    ("condo", WEAK, (r"co-?op", r"unit")),
    (
        "mobile_home",
        STRONG,
        (
            r"mobile (?:home|house)",
            r"manufactured (?:home|house|housing)",
            r"trailer (?:home|house)",
            r"(?:single|double|triple)[\s-]*wide",
        ),
    ),
    ("mobile_home", WEAK, (r"trailer", r"mobile", r"manufactured", r"modular")),
    ("mobile_home", STRONG, (r"(?:on|with) a (?:steel )?chassis",)),
    (
        "multi_family",
        STRONG,
        (
            r"duplex",
            r"triplex",
            r"fourplex",
            r"quadplex",
            r"[234]-?plex",
            r"multi[\s-]*family",
            r"multifamily",
            r"multi[\s-]*unit",
            r"apartment (?:building|complex)",
            r"(?:two|three|four|2|3|4)[\s-]*(?:family|unit) (?:home|house|building|property)",
        ),
    ),
)

# --- homeowner ----------------------------------------------------------------------------------


def _NOT_AFTER(words: str) -> str:
    """A regex guard: not right after any of these words."""
    return "".join(f"(?<!{word}[ ])" for word in words.split())


_NOT_A_HOME = (
    r"(?!(?: a| an| the| my| our)? (?:car|tesla|ev|truck|business|company|dog|cat|boat|shop"
    r"|store|restaurant|franchise|system|panels?|solar|batter(?:y|ies)|equipment|mistake)\b)"
)

# "neutral" phrases mention renting without saying the person rents now.
HOMEOWNER_PHRASES: PhraseTable = (
    (
        "false",
        STRONG,
        (
            r"(?:i|we) (?:do not|don't|dont) own",
            r"(?:not|aren't|arent|isn't|am not) (?:a |the )?home ?owners?",
            r"(?:not|aren't|isn't) (?:the )?owners?",
            r"rent(?:s|ing|er|ers)?",
            r"tenants?",
            r"(?:my|our|the) landlord",
            r"(?:i|we) (?:still )?(?:live|living|stay|staying) (?:w|w/|with) (?:my |our )?"
            r"(?:parents|mom|dad|mother|father|family|folks|in-?laws|grandparents|roommates?)",
            r"leas(?:e|ing) (?:the|this|our|my|an?) (?:house|home|place|apartment|condo|unit)",
            r"(?:do not|don't|dont|doesn't|does not) own",
            r"(?:i|we) lease(?! (?:the |our |my |a |an )?(?:panels?|solar|system|car|tesla|truck))",
        ),
    ),
    (
        "false",
        WEAK,
        (
            r"leas(?:e|ed|ing)",
            r"(?:my |our )?(?:parents|mom|dad|mother|father|family|uncle|aunt|grandma|grandpa"
            r"|grandparents|in-?laws) owns?",
        ),
    ),
    (
        "neutral",
        STRONG,
        (
            r"(?:used to|would|previously|once) rent",
            # Rent-to-own is not ownership yet, nor plain renting: the advisor asks again.
            r"rent(?:ing)?[\s-]*to[\s-]*own",
            r"rented (?:before|previously|for)",
            r"(?:former|ex-?)(?:renters?|tenants?)",
            r"rent (?:the |our |a )?(?:lot|land|space|pad|spot)",
            r"(?:lot|land|space|pad) rent",
        ),
    ),
    (
        "true",
        STRONG,
        (
            r"(?:i|we) (?:do |both |already |actually |fully |currently )?own" + _NOT_A_HOME,
            # A bare "own" / "owned" ("yo. 90210. own."), but not "my own", "my landlord owns it".
            _NOT_AFTER(
                "my our your their his her its to landlord parents mom dad family uncle aunt who"
            )
            + r"(?:co-?)?own(?:ed|s)?(?! up)"
            + _NOT_A_HOME,
            _NOT_AFTER("business car pet dog shop store land previous former prior old original")
            + r"owners?(?!'s)",
            r"(?:house|home|place|property) is (?:mine|ours)",
            r"(?:it'?s|it is) mine",
            r"closed on (?:a|the|our|my) (?:house|home|place|condo|townhouse)",
            r"inherited (?:a |the |our |my )?(?:\w+'s )?(?:house|home|place)",
            r"(?:i|we)(?:'re| are|'m| am) (?:the |a )?(?:home ?)?owners?",
            r"home ?owners?",
            r"owner[\s-]*occupied",
            r"own (?:it )?outright",
            r"(?:it'?s|it is) ours",
            r"own(?:s|ed)? (?:the|our|my|this|a|an) (?:home|house|place|property|condo"
            r"|townhouse|townhome|unit|apartment)",
            r"(?:we|i) (?:just |recently |finally )?bought (?:the|our|my|this|a|an|it)",
            r"(?:we|i) bought (?:in|back in|around) (?:19|20)[0-9]{2}",
            r"(?:have|got|pay) a mortgage",
            r"mortgage",
            r"mortgaged",
            r"paid off",
            r"(?:i'?m|i am) (?:a|the) landlord",
            r"rent(?:s|ing|ed)? (?:(?:it|them|the \w+|a \w+|our \w+|my \w+|units?|rooms?) )?out",
            r"(?:i|we) have (?:a |some |two |2 )?tenants?",
            r"(?:our|my) (?:tenants?|renters?)",
            r"(?:out )?to (?:tenants?|renters?)",
        ),
    ),
)

# "tile i get home": "till" typed as "tile", then a clause; but "tile we think" is a tile roof.
_TILL_CLAUSE = r"(?:i|we|you|u|he|she|they) (?!think|guess|believe|suppose|reckon|thnk)\w+"

# --- roof ---------------------------------------------------------------------------------------

ROOF_PHRASES: PhraseTable = (
    (
        "asphalt_shingle",
        STRONG,
        (
            r"(?:asphalt|composition|comp|architectural|3-tab|three-tab|dimensional) shingles?",
            r"composition",
            r"shingles?",
            r"shingled",
        ),
    ),
    ("asphalt_shingle", WEAK, (r"asphalt", r"comp")),
    (
        "metal",
        STRONG,
        (
            r"standing[\s-]*seam",
            r"(?:metal|tin|steel|aluminum) roof(?:ing)?",
            r"corrugated (?:metal|steel|tin)",
        ),
    ),
    ("metal", WEAK, (r"metal", r"tin", r"steel", r"aluminum", r"corrugated")),
    (
        "tile",
        STRONG,
        (r"(?:clay|spanish|concrete|barrel|terracotta|mission|s|cement) tiles?", r"tile roof"),
    ),
    (
        "tile",
        WEAK,
        (
            r"tiles?(?! floors?)(?! (?:then|later|tomorrow)\b)(?! " + _TILL_CLAUSE + ")",
            r"clay",
            r"terracotta",
            r"spanish",
        ),
    ),
    (
        "flat",
        STRONG,
        (
            r"tar (?:and|&|n) gravel",
            r"tpo",
            r"epdm",
            r"torch[\s-]*down",
            r"modified bitumen",
            r"(?:flat|low[\s-]*slope|rubber|foam|built[\s-]*up) roof",
        ),
    ),
    (
        "flat",
        WEAK,
        (
            r"flat(?! (?:rate|fee|out|screen|tire))",
            r"membrane",
            r"rubber",
            r"built[\s-]*up",
            r"low[\s-]*slope",
            r"foam",
        ),
    ),
    ("wood_shake", STRONG, (r"(?:cedar|wood|wooden) (?:shakes?|shingles?)", r"shake roof")),
    ("wood_shake", WEAK, (r"shakes?", r"cedar", r"wood", r"wooden")),
    ("slate", STRONG, (r"slate roof", r"slate (?:tiles?|shingles?)")),
    ("slate", WEAK, (r"slate",)),
    (
        "other",
        WEAK,
        (
            r"something else",
            r"none of (?:those|these|the above)",
            r"other",
            r"neither",
            r"thatch",
            r"green roof",
            r"solar (?:shingles|tiles?)",
            r"glass",
        ),
    ),
)

# --- shade --------------------------------------------------------------------------------------

SHADE_PHRASES: PhraseTable = (
    (
        "none",
        STRONG,
        (
            r"no (?:trees|shade|shading|shadows|obstructions)",
            r"not (?:shaded|shady)",
            r"unshaded",
            r"(?:zero|0) shade",
            r"full (?:sun|sunlight)",
            r"(?:sunny|sun) all day",
            r"all[\s-]*day sun",
            r"nothing (?:blocks|blocking|shades|shading|around|in the way|over)",
            r"unobstructed",
            r"wide open",
            r"open sky",
        ),
    ),
    ("none", WEAK, (r"none", r"nothing", r"nope", r"clear", r"open", r"sunny", r"zero")),
    (
        "light",
        STRONG,
        (
            r"(?:a little|a bit of|little|slight|light|minimal|minor) shad(?:e|ing|ow)",
            r"(?:slightly|lightly) shaded",
            r"not (?:much|a lot of) shade",
            r"(?:barely|hardly) any shade",
            r"not (?:very|too|that|really) shady",
            r"a little shady",
            r"a few trees",
            r"(?:one|1|a) (?:small |little |single )?tree",
            r"a (?:small |single )?tree",
            r"a couple(?: of)? trees",
            r"couple trees",
            r"(?:some )?shade (?:in|during) the (?:early |late )?(?:morning|afternoon|evening)s?",
            r"(?:morning|afternoon|evening) shade",
            r"(?:mostly|pretty|fairly|quite) (?:sunny|sun|clear|open)",
            r"sun (?:most|much) of the day",
            r"shad(?:es|ed|ing) (?:it |the roof )?(?:a little|a bit|slightly|somewhat)",
        ),
    ),
    (
        "light",
        WEAK,
        (
            r"a little",
            r"a bit",
            r"slight",
            r"slightly",
            r"light",
            r"minimal",
            r"barely",
            r"not much",
            r"little",
            r"hardly any",
        ),
    ),
    (
        "moderate",
        STRONG,
        (
            r"partial(?:ly)? shad(?:e|ed|y|ing)",
            r"partly shad(?:e|ed|y)",
            r"half (?:shaded|shade|shady|the day)",
            r"half and half",
            r"some (?:shade|shading|trees)",
            r"several trees",
            r"quite a few trees",
            r"(?:moderate|medium|moderately) shad(?:e|ed|y|ing)",
            r"(?:a fair|a good|fair) (?:amount|bit) of shade",
            r"a fair amount",
            r"shaded (?:part|some) of the day",
            r"(?:shade|shaded|shady|shadows?)(?: [^\s.;!?,]+){0,8} (?:most|much) of the"
            r" (?:afternoon|morning|evening)s?",
            r"partly sunny",
        ),
    ),
    (
        "moderate",
        WEAK,
        (
            r"some",
            r"moderate",
            r"medium",
            r"partial",
            r"partially",
            r"partly",
            r"half",
            r"in between",
            r"average",
            r"so-?so",
            r"shaded",
        ),
    ),
    (
        "heavy",
        STRONG,
        (
            r"(?:lots|a lot|lot|tons) of (?:trees|shade)",
            r"heavily shaded",
            r"heavy shade",
            r"mostly shad(?:e|ed|y)",
            r"(?:very|really|pretty|super|quite) shad(?:y|ed)",
            r"(?:fully|completely|totally) shaded",
            r"full shade",
            r"all shade",
            r"shaded all day",
            r"shade all day",
            r"under (?:some |the |a )?(?:big |tall |large |huge |giant |old )?"
            r"(?:trees|oaks|pines|canopy|tree canopy)",
            r"(?:covered|surrounded) by trees",
            r"trees everywhere",
            r"dense trees",
            r"wooded",
            r"tree canopy",
            r"(?:trees?|oaks?|maples?|pines?|branches) (?:covers?|shades?|hangs? over)"
            r"(?: most of| all of)? the (?:roof|house)",
            r"(?:covers?|shades?) (?:most|all) of the roof",
            r"in the woods",
            r"lots ?a trees",
            r"no sun",
            r"(?:barely|hardly) any sun",
            r"not much sun",
        ),
    ),
    ("heavy", WEAK, (r"heavy", r"heavily", r"a lot", r"lots", r"tons", r"shady", r"very")),
)

# --- timeline -----------------------------------------------------------------------------------
# A named season ("this summer", "by spring", "next spring") is not read: the NLU is pure and never
# reads the clock, so it cannot know how far away the season is, and a guess is worse than asking.

TIMELINE_PHRASES: PhraseTable = (
    (
        "asap",
        STRONG,
        (
            r"asap",
            r"a\.s\.a\.p\.?",
            r"as soon as (?:possible|we can|i can|you can)",
            r"right away",
            r"immediately",
            r"urgent(?:ly)?",
            r"yesterday",
            r"(?:this|next) week",
            r"this month",
            r"ready to go(?: now)?",
            r"(?:move|moving|go|going|act|get (?:it )?done) (?:fast|quickly|quick)",
            r"(?:soon|quick|fast) as (?:possible|we can|i can|you can)",
            r"(?:in |within )?(?:the )?next (?:30|thirty) days",
        ),
    ),
    (
        "asap",
        WEAK,
        (
            r"(?:ready|want it|need it|start) (?:right )?now",
            r"right now",
            r"now",
            r"today",
            r"quickly",
            r"fast",
        ),
    ),
    (
        "1_3_months",
        STRONG,
        (
            r"(?:a|one|1) month or (?:two|2)",
            r"next (?:couple|few) (?:of )?weeks",
            r"couple (?:of )?months",
            r"next month",
            r"in a few weeks",
            r"few weeks",
            r"(?:this|next) quarter",
        ),
    ),
    ("1_3_months", WEAK, (r"soon", r"shortly")),
    (
        "3_6_months",
        STRONG,
        (
            r"(?:a )?few months",
            r"several months",
            r"half a year",
            r"six months",
            r"mid[\s-]*year",
        ),
    ),
    (
        "6_12_months",
        STRONG,
        (
            r"next year",
            r"later this year",
            r"(?:end|by the end|before the end) of (?:the|this) year",
            r"(?:by )?year[\s-]*end",
            r"sometime this year",
            r"within (?:a|the|one|1) year",
            r"in (?:a|one) year",
        ),
    ),
    ("6_12_months", WEAK, (r"this year",)),
    (
        "researching",
        STRONG,
        (
            r"just (?:researching|looking|browsing|curious|exploring|wondering|checking"
            r"|getting (?:info|information|an idea|a feel))",
            r"researching",
            r"doing (?:some )?research",
            r"no (?:rush|hurry|timeline|plans yet)",
            r"not in (?:a|any) (?:rush|hurry)",
            r"someday",
            r"some day",
            r"eventually",
            r"down the road",
            r"in the future",
            r"(?:a )?few years",
            r"couple (?:of )?years",
            r"years from now",
            r"gathering (?:info|information)",
            r"no plans?(?: yet| right now)?",
            r"kicking (?:the )?tires",
            r"(?:more|longer) than a year",
            r"over a year",
            r"just (?:researching|looking|browsing|curious|exploring|checking)(?: \w+)? for now",
        ),
    ),
    (
        "researching",
        WEAK,
        (
            r"curious",
            r"exploring",
            r"browsing",
            r"not sure yet",
            r"not yet",
            r"not ready",
            r"future",
            r"just looking",
            r"whenever",
            r"(?:not for )?a while",
            r"no timeline",
        ),
    ),
)

# --- credit -------------------------------------------------------------------------------------
# Only read near "credit" / "score" / "FICO", or as the answer to the credit question.

CREDIT_PHRASES: PhraseTable = (
    (
        "excellent",
        STRONG,
        (
            r"excellent",
            r"exceptional",
            r"outstanding",
            r"great",
            r"(?:very|really) good",
            r"amazing",
            r"perfect",
            r"stellar",
            r"superb",
            r"fantastic",
            r"top[\s-]*notch",
            r"awesome",
        ),
    ),
    (
        "good",
        STRONG,
        (r"good", r"pretty good", r"solid", r"decent", r"above average", r"strong"),
    ),
    (
        "fair",
        STRONG,
        (
            r"fair",
            r"ok",
            r"okay",
            r"average",
            r"so-?so",
            r"alright",
            r"all right",
            r"medium",
            r"not (?:too )?bad",
            r"not terrible",
            r"middling",
            r"mediocre",
            r"could be better",
        ),
    ),
    (
        "poor",
        STRONG,
        (
            r"poor",
            r"bad",
            r"not (?:great|good|so good|very good|the best)",
            r"(?:isn't|is not|aren't|not that|not very) (?:great|good)",
            r"terrible",
            r"awful",
            r"horrible",
            r"low",
            r"below average",
            r"rough",
            r"damaged",
            r"needs work",
            r"weak",
            r"bankrupt(?:cy)?",
        ),
    ),
)

# --- battery ------------------------------------------------------------------------------------

BATTERY_WORD = (
    r"(?:home )?(?:batter(?:y|ies)|battery backup|back-?up power|backup battery|energy storage"
    r"|battery storage|storage|powerwall|backup)"
)

# --- yes / no -----------------------------------------------------------------------------------

# "no way, that's awesome!": excitement, not a refusal.
EXCITED_NO_WAY = (
    r"no way\W+(?:that'?s|thats|this is) (?:so )?(?:awesome|great|amazing|cool|sick|wild)"
)
YES_PHRASES = (
    r"yes|yeah|yea|yep|yup|ya|yah|yess+|yessir|yes sir|sure|surely|ok|okay|okey|alright|all right"
    r"|absolutely"
    r"|definitely|certainly|of course|correct|affirmative|agreed?|i consent|consent|go ahead"
    r"|sounds good|fine|please do|we do|i do|i am|we are|that's right|thats right|you bet"
    r"|totally|indeed|true|for sure|please contact me|you (?:can|may) contact me|feel free"
    r"|why not|no problem|no worries|not a problem|interested|i'm in|count me in"
    r"|(?:let'?s |just )?do it(?=\W*$)|go for it(?=\W*$)|" + EXCITED_NO_WAY
)
NO_PHRASES = (
    r"no|nope|nah|nay|not|never|negative|decline|disagree|refuse|false|no thanks|no thank you"
    r"|don'?t|do not|doesn'?t|does not|isn'?t|aren'?t|wasn'?t|won'?t|can'?t|didn'?t|dont|cant"
)
# A whole message of exactly one of these.
YES_LETTERS = frozenset({"y", "k", "kk", "\N{THUMBS UP SIGN}"})
NO_LETTERS = frozenset({"n", "\N{THUMBS DOWN SIGN}"})

# --- names --------------------------------------------------------------------------------------

# Words that never start or continue a name, whatever introduced it.
NAME_HARD_STOPWORDS = _words(
    """
    a an the this that these those some any all both each every either neither no none not
    i me my mine myself we us our ours you your yours he him his she her hers it its they them
    their theirs who whom whose what which where when why how
    and or but nor so yet because if then than though although while as
    in on at by for from to of with without about above below over under into onto out off up
    down near around between through during before after since until till via per
    is am are was were be been being have has had do does did will would shall should can could
    must gonna wanna gotta im i'm i'd i've i'll it's that's there's here's
    yes yeah yep yup no nope nah ok okay sure fine hi hello hey thanks thank please sorry
    just also only very really still already even too quite pretty kind kinda sort sorta
    here there now then today tomorrow tonight yesterday soon later anytime sometime always never
    morning afternoon evening night weekday weekdays weekend weekends
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million
    solar panel panels roof house home homeowner owner renter tenant landlord condo apartment
    townhouse townhome duplex bills credit score zip email phone number address
    """
)

# Words that commonly follow "I'm" / "this is" but are not names. Applied to weak introductions
# ("I'm X", "this is X") and to bare answers to the name question, not to "my name is X".
NAME_SOFT_STOPWORDS = _words(
    """
    interested looking curious wondering thinking considering planning hoping trying asking
    calling writing checking shopping researching browsing exploring comparing reaching
    going getting paying renting owning living moving selling buying building leaving
    retired married single divorced widowed new old young good great fine well alright happy
    glad excited ready done finished back away busy tired sick worried concerned confused lost
    skeptical unsure uncertain certain positive afraid scared aware open located based staying
    currently actually probably maybe possibly definitely totally nervous hesitant frustrated
    annoyed upset serious kidding joking fed disabled veteran employed unemployed self
    self-employed homeowners owners renters tenants hungry bored wrong right correct incorrect
    fortunate lucky pleased thrilled blessed grateful hopeful eager keen super honestly frankly
    excellent poor fair average bad terrible awful amazing perfect
    asphalt shingle shingles metal tile tiles flat slate cedar shake clay
    shade shady trees nothing something everything anything someone everyone nobody
    asap month months year years week weeks day days
    idk dunno help stop skip pass start restart quit cancel unsubscribe
    gmail yahoo hotmail outlook icloud aol com net org
    sir madam maam onboard on-board game down husband wife son daughter mom dad mother father
    friend neighbor neighbour partner brother sister boyfriend girlfriend fiance spouse
    """
)

# Particles kept lower-case inside a surname ("van der Berg", "de la Cruz").
SURNAME_PARTICLES = _words("van von der den de del della di da du la le dos das ter ten bin ibn")
NAME_TITLES = _words("mr mrs ms miss mx dr prof")
NAME_SUFFIXES = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}

# --- spelling repair ----------------------------------------------------------------------------

# The words a misspelling may be repaired into (app/conversation/nlu/spelling.py): the words the
# phrase tables answer with. Short and common words are left out on purpose.
SPELLING_TARGETS = _words(
    """
    single family house home detached townhouse townhome rowhouse condo condominium apartment
    mobile manufactured trailer duplex triplex fourplex colonial ranch bungalow victorian
    craftsman farmhouse brownstone split level
    asphalt shingle shingles composition architectural metal standing steel tile tiles clay
    terracotta concrete spanish flat membrane rubber slate cedar shake shakes wooden
    shade shaded shady trees heavy heavily moderate moderately medium partial partially light
    lightly little minimal sunny
    excellent good fair poor average decent terrible
    months month weeks years researching research looking browsing curious immediately possible
    owner owners homeowner owned owning renting renter renters lease leasing tenant tenants
    mortgage battery batteries backup powerwall electric electricity monthly interested agree
    solar hello
    """
)
# Words the dictionary knows but chat uses as the typo they are, and our own words it lacks.
SPELLING_FIXES = {
    "monts": "months",
    "mnths": "months",
    "mths": "months",
    "yrs": "years",
    "hundo": "hundred",
    "hundos": "hundred",
}
KNOWN_WORDS = _words(
    """
    kinda sorta gonna wanna gotta lemme dunno idk lol lmao omg btw tbh imo fyi thx pls plz
    wifi kwh kw tesla hoa ev evs fico zip zipcode email gmail yahoo hotmail outlook icloud
    """
)

# Words that are never a name, whatever introduced them: exclamations, laughter, fillers,
# chat words and the placeholders people type to test a form.
NOT_NAMES = _words(
    """
    whoa woah wow woww oh ooh ah aha haha hahaha hehe lol lmao rofl omg hmm hmmm hm umm um uh
    uhh er erm meh ugh yikes oops whoops yay hooray cool neat nice awesome great cheers thanks
    thx ty bye hiya howdy yo sup hey hi hello test testing asdf qwerty foo bar none null
    thing things stuff deal problem way question last first middle full surname name
    nobody anonymous unknown idk dunno nah nope yeah yes yep yup ok okay k kk sure
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    solar panels panel battery batteries quote estimate estimates installer installers info
    """
)
