"""The persuasion-technique inventory: SemEval-2023 Task 3 (23 techniques) with our own plain-words explanations,
and the SemEval-2020 Task 11 (14 techniques) names mapped onto it. Frames and genres of SemEval-2023 too.

Definitions and examples are written by the Spinscope authors (the examples are invented sentences).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    name: str  # official SemEval-2023 name
    label: str  # human-readable name
    category: str
    explanation: str  # plain words: what the writer is doing and why it persuades
    example: str  # an invented example sentence
    colour: str  # highlight colour (hex), distinct within its category
    severity: float  # weight in the propaganda score: 1 = mild wording choice, 3 = strong manipulation


CATEGORIES = {
    "attack": "Attack on reputation",
    "justification": "Justification",
    "simplification": "Simplification",
    "distraction": "Distraction",
    "call": "Call",
    "wording": "Manipulative wording",
}

TECHNIQUES: tuple[Technique, ...] = (
    Technique("Name_Calling-Labeling", "Name calling / labelling", "attack",
              "Attaches an insulting or flattering label to a person or group so the reader judges them by the "
              "label instead of by what they did.",
              "The so-called 'experts' in the ministry have failed again.", "#e6194b", 2.0),
    Technique("Guilt_by_Association", "Guilt by association", "attack",
              "Discredits someone by linking them to a person, group or idea the reader already dislikes, "
              "rather than by criticising their actual position.",
              "Her plan is exactly what the old dictatorship tried.", "#b3123a", 2.5),
    Technique("Doubt", "Casting doubt", "attack",
              "Questions someone's credibility, motives or competence without giving evidence, so the reader "
              "stops trusting them.",
              "Can we really believe a mayor who never answers a direct question?", "#f58231", 1.5),
    Technique("Appeal_to_Hypocrisy", "Appeal to hypocrisy", "attack",
              "Attacks someone as a hypocrite (their past words or deeds contradict them) to dismiss their "
              "argument without answering it.",
              "He lectures us on saving money, yet he flew to the summit in a private jet.", "#c75a12", 2.0),
    Technique("Questioning_the_Reputation", "Questioning the reputation", "attack",
              "Attacks the character or track record of a person or group to undermine them, instead of "
              "discussing the issue.",
              "This is a newspaper that has never once got a story right.", "#d4731f", 2.0),
    Technique("Flag_Waving", "Flag waving", "justification",
              "Justifies a position by appealing to pride in a nation or group ('true patriots', 'our people') "
              "rather than by arguments.",
              "Every true patriot will stand behind this law.", "#3cb44b", 2.0),
    Technique("Appeal_to_Authority", "Appeal to authority", "justification",
              "Presents a claim as true mainly because an authority or expert said it, without the evidence "
              "itself.",
              "A famous scientist says this diet works, so it must work.", "#2a8a3e", 1.0),
    Technique("Appeal_to_Popularity", "Appeal to popularity (bandwagon)", "justification",
              "Argues something is right or true because many or most people believe or do it.",
              "Millions have already switched, so why haven't you?", "#60c96d", 1.5),
    Technique("Appeal_to_Values", "Appeal to values", "justification",
              "Justifies a position by tying it to values the reader holds dear (freedom, tradition, fairness) "
              "rather than to evidence.",
              "This reform is about one thing: protecting our freedom.", "#1f6e30", 1.5),
    Technique("Appeal_to_Fear-Prejudice", "Appeal to fear or prejudice", "justification",
              "Builds support for an idea by making the reader afraid of the alternative or by playing on "
              "existing prejudices.",
              "If we do nothing, our streets will be overrun within a year.", "#9acd32", 2.5),
    Technique("Straw_Man", "Straw man", "distraction",
              "Replaces the opponent's real position with a distorted, weaker version and then knocks that "
              "down.",
              "They want better bike lanes, which means they want to ban cars altogether.", "#4363d8", 2.5),
    Technique("Red_Herring", "Red herring", "distraction",
              "Steers attention away from the issue under discussion to a different, irrelevant topic.",
              "Why talk about the budget gap when the weather this year has been so strange?", "#2b44a8", 2.0),
    Technique("Whataboutism", "Whataboutism", "distraction",
              "Deflects criticism by pointing at the opponent's alleged wrongdoing instead of answering it.",
              "You criticise our prisons, but what about the prisons in your country?", "#7a93f0", 2.0),
    Technique("Causal_Oversimplification", "Causal oversimplification", "simplification",
              "Explains a complex event by one single cause when many factors were involved.",
              "Prices are up for one reason only: the new governor.", "#911eb4", 2.0),
    Technique("False_Dilemma-No_Choice", "False dilemma / no choice", "simplification",
              "Presents only two options (or one) when more exist, pushing the reader to the writer's choice.",
              "Either we close the border tomorrow or we lose the country.", "#c04ddf", 2.5),
    Technique("Consequential_Oversimplification", "Consequential oversimplification (slippery slope)",
              "simplification",
              "Claims that one step will inevitably lead to a chain of ever worse consequences, without showing "
              "why.",
              "Allow this one exception and soon there will be no rules left at all.", "#6a1385", 2.0),
    Technique("Slogans", "Slogan", "call",
              "A short, punchy phrase meant to stick and stir emotion, used in place of an argument.",
              "Jobs, not promises!", "#f032e6", 1.5),
    Technique("Conversation_Killer", "Conversation killer (thought-terminating cliché)", "call",
              "A phrase that discourages further thought or debate ('it is what it is', 'end of story').",
              "There is nothing more to discuss: rules are rules.", "#b0169f", 2.0),
    Technique("Appeal_to_Time", "Appeal to time (kairos)", "call",
              "Claims that now is the moment to act, pushing urgency instead of reasons.",
              "The time for talk is over; we must act tonight.", "#f78fe8", 1.5),
    Technique("Loaded_Language", "Loaded language", "wording",
              "Uses words with strong emotional charge (positive or negative) to sway the reader rather than "
              "to describe neutrally.",
              "The council's outrageous, disastrous decision shocked residents.", "#ffcc00", 1.0),
    Technique("Obfuscation-Vagueness-Confusion", "Obfuscation / vagueness", "wording",
              "Uses deliberately unclear words so the reader can read into them what they like, or cannot pin "
              "the writer down.",
              "Certain measures will be taken at the appropriate time by the relevant people.", "#a9a9a9", 1.5),
    Technique("Exaggeration-Minimisation", "Exaggeration / minimisation", "wording",
              "Makes something seem much bigger, better or worse than it is, or downplays something important.",
              "This is the greatest scandal in the history of mankind.", "#ff8c69", 1.5),
    Technique("Repetition", "Repetition", "wording",
              "Repeats the same word, phrase or idea again and again so that it sticks and feels true.",
              "Corrupt. Corrupt from top to bottom. A corrupt system.", "#8b6f47", 1.0),
)

BY_NAME: dict[str, Technique] = {t.name: t for t in TECHNIQUES}
TECHNIQUE_NAMES: tuple[str, ...] = (
    "Appeal_to_Authority", "Appeal_to_Popularity", "Appeal_to_Values", "Appeal_to_Fear-Prejudice",
    "Flag_Waving", "Causal_Oversimplification", "False_Dilemma-No_Choice", "Consequential_Oversimplification",
    "Straw_Man", "Red_Herring", "Whataboutism", "Slogans", "Appeal_to_Time", "Conversation_Killer",
    "Loaded_Language", "Repetition", "Exaggeration-Minimisation", "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling", "Doubt", "Guilt_by_Association", "Appeal_to_Hypocrisy", "Questioning_the_Reputation",
)
TECHNIQUES = tuple(BY_NAME[name] for name in TECHNIQUE_NAMES)
assert set(BY_NAME) == set(TECHNIQUE_NAMES), "taxonomy and official list disagree"

# SemEval-2020 Task 11 (PTC) names -> SemEval-2023 names. The two merged 2020 classes cannot be mapped to one
# 2023 technique without looking at the text; we map them to the most frequent member and say so in the README.
PTC2020_TO_2023: dict[str, str] = {
    "Loaded_Language": "Loaded_Language",
    "Name_Calling,Labeling": "Name_Calling-Labeling",
    "Repetition": "Repetition",
    "Exaggeration,Minimisation": "Exaggeration-Minimisation",
    "Doubt": "Doubt",
    "Appeal_to_fear-prejudice": "Appeal_to_Fear-Prejudice",
    "Flag-Waving": "Flag_Waving",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Slogans": "Slogans",
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Black-and-White_Fallacy": "False_Dilemma-No_Choice",
    "Thought-terminating_Cliches": "Conversation_Killer",
    "Whataboutism,Straw_Men,Red_Herring": "Whataboutism",  # ambiguous merged class
    "Bandwagon,Reductio_ad_hitlerum": "Guilt_by_Association",  # ambiguous merged class
    # unmerged 2020 names that appear in some releases
    "Whataboutism": "Whataboutism",
    "Straw_Men": "Straw_Man",
    "Red_Herring": "Red_Herring",
    "Bandwagon": "Appeal_to_Popularity",
    "Reductio_ad_hitlerum": "Guilt_by_Association",
    "Obfuscation,Intentional_Vagueness,Confusion": "Obfuscation-Vagueness-Confusion",
}
PTC2020_AMBIGUOUS = {"Whataboutism,Straw_Men,Red_Herring", "Bandwagon,Reductio_ad_hitlerum"}

FRAME_NAMES: tuple[str, ...] = (
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation", "Crime_and_punishment",
    "Security_and_defense", "Health_and_safety", "Quality_of_life", "Cultural_identity", "Public_opinion",
    "Political", "External_regulation_and_reputation",
)

FRAME_EXPLANATIONS: dict[str, str] = {
    "Economic": "Costs, benefits, money, jobs, markets and other financial consequences.",
    "Capacity_and_resources": "Whether there is enough of something (people, money, equipment, space) to cope.",
    "Morality": "Right and wrong, religious or ethical duty, what is decent.",
    "Fairness_and_equality": "Whether people or groups are treated equally and justly.",
    "Legality_Constitutionality_and_jurisprudence": "Laws, courts, rights and what is legally allowed.",
    "Policy_prescription_and_evaluation": "Whether a policy works, and what should be done instead.",
    "Crime_and_punishment": "Breaking the law, enforcement, sentences and punishment.",
    "Security_and_defense": "Threats to a country or people, war, terrorism, military and defence.",
    "Health_and_safety": "Health care, disease, injuries, safety of people.",
    "Quality_of_life": "How the issue affects people's wellbeing, daily life and happiness.",
    "Cultural_identity": "Traditions, customs, language and what a group sees as its identity.",
    "Public_opinion": "What the public thinks: polls, protests, popular reactions.",
    "Political": "Parties, elections, politicians' strategies and political power.",
    "External_regulation_and_reputation": "A country's relations with, standing among, or control by others.",
}

GENRES: tuple[str, ...] = ("reporting", "opinion", "satire")
GENRE_EXPLANATIONS: dict[str, str] = {
    "reporting": "Reports events and what people said, aiming to inform.",
    "opinion": "Argues for a point of view; the writer's own judgement is part of the text.",
    "satire": "Uses humour, irony or exaggeration to mock; not meant to be read literally.",
}


def normalise_technique(name: str) -> str | None:
    """Map a possibly misspelt or 2020-style technique name to the official 2023 name (None if unknown)."""
    name = name.strip()
    if name in BY_NAME:
        return name
    if name in PTC2020_TO_2023:
        return PTC2020_TO_2023[name]
    # labels in the corpus contain stray characters (e.g. "Appeal_to_Fear-Prejudi-čce"): match on ASCII letters
    squeeze = "".join(c for c in name.lower() if "a" <= c <= "z")
    for official in TECHNIQUE_NAMES:
        if "".join(c for c in official.lower() if "a" <= c <= "z") == squeeze:
            return official
    best = None
    for official in TECHNIQUE_NAMES:
        key = "".join(c for c in official.lower() if "a" <= c <= "z")
        if squeeze and (key.startswith(squeeze[: max(8, len(squeeze) - 3)]) and abs(len(key) - len(squeeze)) <= 3):
            best = official
    return best


def explain(technique: str) -> str:
    entry = BY_NAME.get(technique)
    return entry.explanation if entry else ""
