"""The invented names and words bench/synthetic.py makes its events of, and how a category's
actors and roles are chosen: data only, no real person or company."""

from __future__ import annotations

FIRST = (
    "Ada", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonah", "Keiko",
    "Luis", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor",
    "Wen", "Xavier", "Yara", "Zane", "Alma", "Bruno", "Chloe", "Dario", "Esme", "Felix", "Gia",
    "Hamid", "Ines", "Jude", "Kofi", "Lena", "Marco", "Noor", "Otto", "Paz", "Rhea", "Soren",
    "Tomas", "Vera", "Wade", "Yusuf",
)  # fmt: skip
LAST = (
    "Moreno", "Okafor", "Lindqvist", "Tanaka", "Reyes", "Castellano", "Haddad", "Novak",
    "Brennan", "Achebe", "Duarte", "Feldman", "Gallo", "Hollis", "Ivanova", "Jansen",
    "Kowalski", "Laurent", "Mbeki", "Nakamura", "Oduya", "Petrova", "Quintero", "Rasmussen",
    "Sato", "Thorne", "Uribe", "Valdez", "Whitaker", "Yilmaz", "Zelenko", "Abara", "Bianchi",
    "Calloway", "Delacroix", "Eriksen", "Fontaine", "Grieve", "Halloran", "Iwata", "Kerrigan",
    "Marlowe", "Ostrander",
)  # fmt: skip
WORDS = (
    "Northlight", "Silverline", "Bluewater", "Redwood", "Golden", "Gate", "Harbor", "Lantern",
    "Meridian", "Crescent", "Ironwood", "Starfield", "Beacon", "Summit", "Riverbend",
    "Highland", "Copper", "Canyon", "Orchard", "Tidewater", "Ember", "Falcon", "Juniper",
    "Keystone", "Lighthouse", "Marble", "Nova", "Oakhurst", "Pinnacle", "Quarry", "Sable",
    "Thistle", "Vanguard", "Willow", "Zenith", "Aurora", "Cobalt", "Driftwood", "Echo",
    "Foxglove",
)  # fmt: skip
COINED = (
    "Vocalis", "Synthara", "Pixelmind", "Dreamforge", "Neuravision", "Frameweaver", "Sonance",
    "Lumora", "Kinetiq", "Morphix", "Voxel", "Cadenza", "Imagica", "Deepreel", "Castwise",
    "Scriptly", "Replicant", "Mimesis", "Parallax", "Spectra", "Tonal", "Visiona", "Genframe",
    "Aeon", "Motiva", "Persona", "Clarion", "Flux", "Halide", "Optika",
)  # fmt: skip
PLACES = (
    "Pacific", "Atlantic", "Western", "Eastern", "Midwest", "Northern", "Southern", "Coastal",
    "Valley", "Metro", "Sierra", "Gulf", "Lakeshore", "Capital", "Harbor", "Desert",
)  # fmt: skip
CITIES = (
    "Burbank", "Glendale", "Toronto", "Vancouver", "Atlanta", "Austin", "Berlin", "Lisbon",
    "Seoul", "Lagos", "Mumbai", "Auckland", "Prague", "Dublin", "Montreal", "Marseille",
    "Busan", "Reykjavik",
)  # fmt: skip
STATES = (
    "California", "Georgia", "New York", "Illinois", "Washington", "Texas", "Nevada", "Oregon",
)  # fmt: skip
TRADES = (
    "Screen", "Stage", "Animation", "Editors", "Camera", "Costume", "Story", "Sound", "Effects",
    "Writers", "Performers", "Stunt", "Makeup",
)  # fmt: skip
PUBLISHERS = (
    "Screen Courier", "The Burbank Ledger", "Frame Daily", "Reel Wire", "Studio Dispatch",
    "The Backlot Report", "Credits Weekly", "Pixel & Print", "The Soundstage Times",
    "Cinema Signal", "Broadcast Beat", "The Trade Review",
)  # fmt: skip

TECH = (
    "AI dubbing", "voice cloning", "digital replica", "generative video", "de-aging",
    "AI script", "text-to-video", "synthetic voice", "AI upscaling", "AI storyboard",
    "face swap", "AI background actor",
)  # fmt: skip
CRAFT = (
    "animation", "visual effects", "dubbing", "trailers", "casting", "editing",
    "background extras", "screenwriting", "sound design", "localization", "previsualization",
    "marketing",
)  # fmt: skip
WORKS = (
    "feature film", "limited series", "documentary", "animated short", "reality show",
    "video game", "music video", "ad campaign",
)  # fmt: skip

# Titles per category, 6-10 words once {a} and {b} (the first two actors' names) are in.
TITLES = {
    "model-release": "{a} releases public {tech} model",
    "demo": "{a} previews {tech} tool for {craft}",
    "production-use": "{a} uses {tech} in new {work}",
    "studio-deal": "{a} signs {tech} deal with {b}",
    "funding": "{a} raises ${n} million for {tech} tools",
    "outreach": "{a} courts {b} with {tech} demos",
    "labor-action": "{a} members walk out over {tech}",
    "labor-agreement": "{a} and {b} agree on {tech} terms",
    "lawsuit": "{a} sues {b} over {tech} training",
    "legal-action": "{a} sends cease-and-desist to {b}",
    "legislation": "{a} passes bill limiting {tech}",
    "policy": "{a} sets rules for {tech} in {craft}",
    "government-report": "{a} report weighs {tech} and jobs",
    "statement": "{a} warns studios against {tech}",
    "controversy": "Backlash after {a} admits {tech} use",
    "business-decision": "{a} cuts {craft} jobs, citing {tech}",
    "award": "{a} wins award for {tech} work",
    "shutdown": "{a} shuts down {tech} service",
}
FALLBACK_TITLE = "{a} announces {tech} plans for {craft}"
SENTENCES = (
    "{a} said the {tech} work would cover {craft} on {n} upcoming projects, starting with "
    "an unnamed {work}.",
    "The announcement followed months of talks with {b}, according to people familiar with "
    "the matter.",
    "Critics, including {b}, said performers had not been asked for consent and that the "
    "terms left crews exposed.",
    "Terms were not disclosed, and neither company would say how many jobs in {craft} the "
    "change would affect.",
    "{b} called the step overdue and said it would publish guidance on {tech} before the "
    "end of the year.",
    "Industry analysts saw the move as a test of how far studios will take {tech} once the "
    "current contracts expire.",
)  # fmt: skip

# How common each actor kind is; kinds missing here weigh 1, kinds missing there are skipped.
KIND_WEIGHTS = {
    "person": 40, "ai-company": 10, "studio": 8, "production-company": 6, "media-outlet": 6,
    "vfx-company": 4, "tech-company": 4, "streamer": 3, "guild": 3, "union": 2,
    "trade-association": 2, "talent-agency": 2, "game-company": 2, "government": 2,
    "law-firm": 2, "legislature": 1, "court": 1, "awards-body": 1, "festival": 1, "estate": 1,
    "artist-collective": 1,
}  # fmt: skip
# The kinds whose aliases may be a short form or a legal name ("Northlight Pictures Inc.").
COMPANIES = {"studio", "ai-company", "tech-company", "vfx-company", "game-company",
             "production-company", "streamer"}  # fmt: skip
NAMES = {
    "person": "{first} {last}",
    "studio": "{word} {pick:Pictures|Studios|Films|Entertainment}",
    "ai-company": "{coined}{pick:| AI| Labs| Systems}",
    "production-company": "{word} {word2} Productions",
    "media-outlet": "{pick:The {city} Ledger|{word} Wire|The {city} Courier|{word} Dispatch}",
    "vfx-company": "{word} {pick:Digital|VFX|Visual Effects}",
    "tech-company": "{coined} {pick:Technologies|Cloud|Computing}",
    "streamer": "{word}{pick:+| Stream| Play}",
    "guild": "{place} {trade} Guild",
    "union": "{trade} Union Local {n}",
    "trade-association": "{trade} Producers Association",
    "talent-agency": "{pick:{last} & {last2} Agency|{word} Talent Management}",
    "game-company": "{word} {pick:Games|Interactive}",
    "government": "{place} Film Office",
    "law-firm": "{last}, {last2} & {word} LLP",
    "legislature": "{state} State {pick:Assembly|Senate}",
    "court": "{place} District Court",
    "awards-body": "{place} {trade} Academy",
    "festival": "{city} Film Festival",
    "estate": "Estate of {first} {last}",
    "artist-collective": "{word} Artists Collective",
}  # fmt: skip

# Roles by link position, per category; a role also says which kinds suit the actor.
ROLE_PATTERNS = {
    "studio-deal": ("party", "party", "vendor", "reporter"),
    "labor-action": ("party", "counterparty", "participant", "reporter"),
    "labor-agreement": ("party", "counterparty", "participant", "reporter"),
    "lawsuit": ("party", "counterparty", "authority", "reporter"),
    "legal-action": ("party", "counterparty", "participant", "reporter"),
    "legislation": ("authority", "participant", "participant", "reporter"),
    "government-report": ("authority", "participant", "participant", "reporter"),
    "award": ("authority", "subject", "vendor", "reporter"),
}
DEFAULT_ROLES = ("subject", "participant", "vendor", "reporter")
# Who may come first, where the category calls for someone in particular (else anyone).
LEAD_KINDS = {
    "labor-action": ("guild", "union"),
    "labor-agreement": ("guild", "union"),
    "legislation": ("legislature",),
    "government-report": ("government",),
    "award": ("awards-body", "festival"),
    "model-release": ("ai-company", "tech-company"),
    "funding": ("ai-company", "vfx-company", "production-company"),
}
ROLE_KINDS = {
    "vendor": ("ai-company", "tech-company", "vfx-company"),
    "reporter": ("media-outlet",),
    "authority": ("government", "legislature", "court", "awards-body"),
}
