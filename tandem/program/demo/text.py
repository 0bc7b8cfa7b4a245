"""Hand-written language of the demo: feedback notes, objectives, milestones, flags.

Notes are composed, not templated: an optional opener, one or two bodies of
one theme and sentiment, an optional closer — or one of many short
stand-alone notes.  ``{name}`` is the other person's first name (so redaction
has something to do) and ``{month}`` the month the pairing began.  Themes use
exactly the codebook's names, because ``coded_theme`` must match them.
"""

from __future__ import annotations

SCHEDULING = "Scheduling and engagement"
TRUST = "Trust and psychological safety"
STAKEHOLDERS = "Stakeholder influence"
STRATEGY = "Strategic thinking"
DELEGATION = "Delegation"
CAREER = "Career growth"
CROSS_FUNCTIONAL = "Cross-functional perspective"
DIGITAL = "Digital skills and reverse mentoring"
DIFFICULT = "Difficult conversations"
FIT = "Fit and goals"

THEMES: tuple[str, ...] = (
    SCHEDULING,
    TRUST,
    STAKEHOLDERS,
    STRATEGY,
    DELEGATION,
    CAREER,
    CROSS_FUNCTIONAL,
    DIGITAL,
    DIFFICULT,
    FIT,
)

POSITIVE, MIXED, NEGATIVE = "positive", "mixed", "negative"
SENTIMENTS = (POSITIVE, MIXED, NEGATIVE)

OPENERS: dict[str, tuple[str, ...]] = {
    POSITIVE: (
        "Really good session today.",
        "Quick note after our catch-up.",
        "Best conversation we've had so far.",
        "Came away with a lot to think about.",
        "Good energy in the room this time.",
        "Short one, but worth writing down.",
        "Writing this on the train home.",
        "A genuinely useful hour.",
        "Solid session, no agenda drift.",
        "Another strong meeting.",
        "Noting this while it's fresh.",
    ),
    MIXED: (
        "Mixed feelings about this one.",
        "Some progress, some frustration.",
        "Not our best session, not our worst.",
        "Hard to say where we are.",
        "Writing this a few days late.",
        "Bit of a slow start today.",
        "Honest reflection:",
        "Shorter than planned.",
        "Useful in parts.",
        "Still working out the rhythm.",
    ),
    NEGATIVE: (
        "Not sure this is working.",
        "Another one that slipped.",
        "Frustrating few weeks.",
        "I'll be candid here.",
        "Disappointing, if I'm honest.",
        "Flagging this for the programme team.",
        "Struggling to see the value right now.",
        "This one is on both of us.",
        "Hard to write this one.",
        "Not a great month.",
    ),
}

CLOSERS: dict[str, tuple[str, ...]] = {
    POSITIVE: (
        "Looking forward to the next one.",
        "Grateful for the time.",
        "More of this, please.",
        "Next step is on me.",
        "Will report back after the board pack goes out.",
        "I owe {name} a coffee.",
        "Feels like the contract is finally doing its job.",
        "Exactly why I signed up.",
    ),
    MIXED: (
        "We agreed to revisit next time.",
        "Will see how the next month goes.",
        "Parking the rest until we meet again.",
        "Need to tighten the agenda.",
        "One to watch.",
        "I think we'll get there.",
        "Going to raise it at the mid-point review.",
    ),
    NEGATIVE: (
        "Would welcome a nudge from the programme team.",
        "Not sure what to do next.",
        "Might be time for an alignment check.",
        "Happy to talk about a rematch if that helps.",
        "I don't want to give up on it yet.",
        "Something needs to change.",
        "Raising it here so it's on record.",
    ),
}

BODIES: dict[str, dict[str, tuple[str, ...]]] = {
    SCHEDULING: {
        POSITIVE: (
            "We've kept every slot since {month}, even through quarter end.",
            "Protecting the fortnightly hour has made a real difference.",
            "{name} moved a steering committee to keep our time, which I noticed.",
            "Having a standing invite with an agenda in it means we never start cold.",
            "We switched to walking meetings and nobody has cancelled since.",
            "Short, frequent sessions suit us better than the long monthly ones did.",
        ),
        MIXED: (
            "We meet, but it's usually squeezed between two other calls.",
            "Two reschedules this month, though we did make the last one.",
            "The cadence is right on paper; in practice it's drifting.",
            "Time zones make the slot awkward for one of us every single time.",
            "We keep it to thirty minutes now, which is better than nothing.",
            "When we do meet it's good; getting there is the problem.",
        ),
        NEGATIVE: (
            "We've met twice since the programme kicked off in {month}. Everything else "
            "keeps winning.",
            "Third cancellation in a row, each time with less notice.",
            "The invite keeps getting declined by an assistant and never moved.",
            "I've stopped sending agendas because the meetings don't happen.",
            "Every session starts ten minutes late and ends early for something urgent.",
            "Haven't heard from {name} since the kick-off.",
            "Honestly it feels like an obligation on the calendar rather than a priority.",
        ),
    },
    TRUST: {
        POSITIVE: (
            "I could say what I was actually worried about without dressing it up.",
            "{name} shared a mistake from early in their career, and it changed the tone.",
            "It's the one conversation in my week where I don't have to perform.",
            "We agreed what stays between us, and that made it easier to be honest.",
            "I admitted I didn't understand the numbers and nobody flinched.",
            "It feels safe to bring the half-formed ideas, not just the polished ones.",
        ),
        MIXED: (
            "Still a bit guarded with each other, but less than at the start.",
            "I'm not sure yet how much of this gets back to my line manager.",
            "Opened up more than usual, then second-guessed it afterwards.",
            "Good rapport, though we stay on safe topics most of the time.",
            "The confidentiality point came up and we should have agreed it earlier.",
        ),
        NEGATIVE: (
            "I don't feel I can be candid when it might end up in my review.",
            "Something I said in confidence came back to me through someone else.",
            "It still feels like an interview rather than a conversation.",
            "Hard to admit what I'm struggling with to someone in my reporting line.",
            "I tend to just nod along; pushing back doesn't feel welcome.",
        ),
    },
    STAKEHOLDERS: {
        POSITIVE: (
            "We mapped the people who really decide the budget, and it's not who I thought.",
            "Tried the pre-wiring approach before the committee and it went through first time.",
            "{name} helped me reframe the ask in terms the CFO's team cares about.",
            "Got a seat at the regional leadership call after rehearsing the pitch together.",
            "I finally understand why the risk committee kept saying no.",
            "The stakeholder map we drew is now pinned above my desk.",
        ),
        MIXED: (
            "Good theory on influencing without authority; harder to apply in my team.",
            "The pre-meetings helped, but the decision still got deferred.",
            "I know who the stakeholders are now; getting time with them is another matter.",
            "We talked about politics more than I expected. Useful, slightly uncomfortable.",
        ),
        NEGATIVE: (
            "I keep getting advice to 'build relationships' without any specifics.",
            "My proposal died in committee again and we didn't really unpack why.",
            "The stakeholder work feels abstract next to what's landing on my desk.",
            "We spent the hour on {name}'s own board issues instead of mine.",
        ),
    },
    STRATEGY: {
        POSITIVE: (
            "Stepped back from the quarterly plan and looked three years out for once.",
            "{name} pushed me to write the strategy on one page, which exposed the gaps.",
            "We worked through scenarios for the rate cycle and it sharpened my thinking.",
            "Learned to separate what's urgent from what actually moves the business.",
            "The pre-mortem exercise was uncomfortable and exactly what the plan needed.",
            "I presented the draft to the leadership team and it held up to questions.",
        ),
        MIXED: (
            "Great big-picture conversation; less clear what I do differently on Monday.",
            "We keep drifting from strategy into the operational fire of the week.",
            "Interesting frameworks, though some feel too academic for our market.",
            "My plan is sharper, but I'm not convinced the leadership team will read it.",
        ),
        NEGATIVE: (
            "Every session turns into firefighting; we never get to the strategic stuff.",
            "The advice is mostly 'think bigger', which doesn't help me prioritise.",
            "I brought the strategy paper twice and we didn't get to it either time.",
            "Feels like we're reviewing my slides rather than my thinking.",
        ),
    },
    DELEGATION: {
        POSITIVE: (
            "Handed the weekly ops review to my deputy and the sky didn't fall.",
            "{name} asked what only I can do, and the honest list was short.",
            "Stopped rewriting my team's papers; they're better for it.",
            "Delegating the vendor negotiation freed a full day a week.",
            "I now give outcomes instead of instructions, and the team has noticed.",
        ),
        MIXED: (
            "I delegated more this month, then quietly took half of it back.",
            "The team is stepping up, but I still check their work too closely.",
            "Good progress on letting go; the hard part is not jumping in at the end.",
            "We agreed I'd delegate the forecast and I haven't yet.",
        ),
        NEGATIVE: (
            "Still doing my old job and my new one; nothing has changed.",
            "Every time I delegate something it comes back late and I redo it.",
            "We talk about delegation and then I leave with more on my plate.",
            "I'm the bottleneck and I know it, but the sessions haven't helped.",
        ),
    },
    CAREER: {
        POSITIVE: (
            "We mapped the next two roles I'd want and what's missing for each.",
            "{name} introduced me to two people in Wealth, which opened a door.",
            "I applied for the stretch role we discussed and got to the final round.",
            "Came out with a clearer story about my career than I've had in years.",
            "Put my name forward for the transformation programme after our last chat.",
            "Promotion case is drafted, with evidence rather than adjectives.",
        ),
        MIXED: (
            "Helpful on the next step; less so on whether I want the step at all.",
            "Lots of encouragement, not much concrete sponsorship yet.",
            "I know what the gap is now; closing it feels a long way off.",
            "The career conversation is useful but keeps crowding out the skills work.",
        ),
        NEGATIVE: (
            "Feels like a networking exercise for the mentor's benefit.",
            "I was hoping for sponsorship and got generic career advice.",
            "We haven't talked about my development once this quarter.",
            "Every suggestion is about a path that worked twenty years ago.",
        ),
    },
    CROSS_FUNCTIONAL: {
        POSITIVE: (
            "Seeing how Risk thinks about our product launch was eye-opening.",
            "Shadowed {name}'s operations review; I understand the handoffs now.",
            "We swapped a day: I sat with the branch team, they sat with engineering.",
            "I finally get why Finance asks the questions it asks.",
            "The cross-division view has changed how I write business cases.",
        ),
        MIXED: (
            "Interesting to hear the Operations side, though hard to use in my role.",
            "We come from very different worlds, which helps and hinders.",
            "Lots of context about another division; not sure yet what to do with it.",
            "The shadowing day got cut to an hour, but the hour was good.",
        ),
        NEGATIVE: (
            "Our functions are so different that most of the advice doesn't translate.",
            "We spend the session explaining our own jargon to each other.",
            "I wanted exposure to the front line and we've stayed in meeting rooms.",
        ),
    },
    DIGITAL: {
        POSITIVE: (
            "{name} showed me how the team actually uses AI tools day to day; humbling.",
            "I posted on LinkedIn for the first time and it got real engagement.",
            "We rebuilt my weekly report as a dashboard in an afternoon.",
            "Reverse mentoring is the most useful hour in my diary right now.",
            "I now understand what our data engineers mean by a pipeline.",
            "Tried prompting the assistant on a real board paper; better than expected.",
            "My mentor learned as much about the branch network as I did about data.",
        ),
        MIXED: (
            "Useful tips, but I still can't see how this changes my decisions.",
            "We covered a lot of tools quickly; I need more time to practise.",
            "I'm learning, though it sometimes feels like I'm the only one taking notes.",
            "Good on the how; we still need to get to the why for the business.",
        ),
        NEGATIVE: (
            "Felt like a tech support desk rather than a mentoring relationship.",
            "The session turned into fixing a spreadsheet macro.",
            "Hard to reverse mentor someone who cancels whenever it gets technical.",
            "I'm not sure the senior side is open to learning from a junior colleague.",
            "We never get past setting up the laptop.",
        ),
    },
    DIFFICULT: {
        POSITIVE: (
            "Rehearsed the restructuring conversation; the real one went far better.",
            "{name} role-played the angry client and didn't go easy on me.",
            "I gave direct feedback to a peer for the first time without softening it away.",
            "We ran a no-blame after-action review of the outage and it stayed no-blame.",
            "Learned to name the elephant in the room early instead of at the end.",
        ),
        MIXED: (
            "Prepared well for the hard conversation; it still went sideways halfway.",
            "The feedback landed, but I'm not sure the relationship has recovered.",
            "Useful scripts, though real conversations never follow the script.",
            "I've put off the performance conversation again, and we talked about why.",
        ),
        NEGATIVE: (
            "We avoided the hard topic again, both of us.",
            "The session itself turned into a difficult conversation, and not a useful one.",
            "I raised the conflict with my director and got told to 'let it settle'.",
            "There's tension between us we haven't named.",
        ),
    },
    FIT: {
        POSITIVE: (
            "Good match: {name} has done exactly the transition I'm attempting.",
            "We rewrote the learning contract and the goals finally feel like mine.",
            "Our strengths are almost opposite, which is why it works.",
            "The objectives we set in {month} still feel right.",
            "Reached the first milestone early, so we set a harder one.",
        ),
        MIXED: (
            "The original goals don't quite fit any more; we need to revisit them.",
            "Good chemistry, but I'm not sure {name} is the right person for this goal.",
            "We agreed the objectives, but I'm not sure we agree what success looks like.",
            "Half the contract is on track; the other half we've quietly dropped.",
        ),
        NEGATIVE: (
            "We don't seem to have the same idea of what this pairing is for.",
            "The match looked good on paper; in practice we have little in common.",
            "The milestones were set for us, not by us, and it shows.",
            "I'd rather be paired with someone from outside my division.",
            "No clear goals three months in.",
        ),
    },
}

#: Stand-alone short notes, as people actually write them.
SHORT_NOTES: dict[str, dict[str, tuple[str, ...]]] = {
    SCHEDULING: {
        POSITIVE: ("On cadence again. Good habit forming.", "Met as planned, 45 min."),
        MIXED: ("Rescheduled twice, met in the end.", "Slot moved again. Still met."),
        NEGATIVE: (
            "Cancelled again.",
            "No meeting this month.",
            "Still waiting for a date from {name}.",
        ),
    },
    TRUST: {
        POSITIVE: ("Felt heard.", "Candid, safe, useful."),
        MIXED: ("Bit guarded today.",),
        NEGATIVE: ("Didn't feel safe to raise it.",),
    },
    STAKEHOLDERS: {
        POSITIVE: ("Pre-wired the committee. It worked.",),
        MIXED: ("Decision deferred again, but closer.",),
        NEGATIVE: ("Still no access to the people who decide.",),
    },
    STRATEGY: {
        POSITIVE: ("One-page strategy done!",),
        MIXED: ("Big picture good, next steps vague.",),
        NEGATIVE: ("All tactics, no strategy.",),
    },
    DELEGATION: {
        POSITIVE: ("Delegated the ops review. Survived.",),
        MIXED: ("Delegated, then took it back.",),
        NEGATIVE: ("Drowning. Nothing delegated.",),
    },
    CAREER: {
        POSITIVE: ("Applied for the role we discussed.",),
        MIXED: ("Career chat useful, not concrete.",),
        NEGATIVE: ("No sponsorship, just advice.",),
    },
    CROSS_FUNCTIONAL: {
        POSITIVE: ("Shadowing day was brilliant.",),
        MIXED: ("Interesting view from Operations.",),
        NEGATIVE: ("Too far apart to be useful.",),
    },
    DIGITAL: {
        POSITIVE: ("Built my first dashboard!", "Learned more about AI in an hour than in a year."),
        MIXED: ("Tools overload. Need practice.",),
        NEGATIVE: ("Spent it fixing Excel.",),
    },
    DIFFICULT: {
        POSITIVE: ("The hard conversation went well.",),
        MIXED: ("Hard conversation happened. Messy.",),
        NEGATIVE: ("Avoided it again.",),
    },
    FIT: {
        POSITIVE: ("Great match.",),
        MIXED: ("Goals need a refresh.",),
        NEGATIVE: ("Wrong match, I think.", "What are we actually here for?"),
    },
}

#: Program-level notes (no pairing): leads and sponsors looking across a cohort.
PROGRAM_NOTES: dict[str, tuple[str, ...]] = {
    POSITIVE: (
        "Mid-point survey: most pairs say they'd recommend the programme to a colleague.",
        "Sponsors' round-table was the best attended yet; three divisions asked to join.",
        "Reverse mentoring stories landed well at the town hall.",
        "Completion of learning contracts is up on last year's wave.",
        "Several mentees cite the programme in their promotion cases.",
    ),
    MIXED: (
        "Engagement strong in the UK and Singapore, patchy in the US East pairs.",
        "Good ratings overall, but too many contracts without success criteria.",
        "Survey comments split: some love the cadence, some find it too frequent.",
        "Mentor capacity is the constraint; the same senior names keep coming up.",
        "Kick-off went well; the second month is where pairs drift.",
    ),
    NEGATIVE: (
        "Too many pairs went quiet over the summer; we need an earlier nudge.",
        "Several mentees report their mentor is stretched across too many pairings.",
        "Survey flagged confidentiality concerns where mentor and mentee share a line.",
        "Attendance at the mid-point review was disappointing.",
        "The objectives template is being filled in as a formality.",
    ),
}

OBJECTIVE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "traditional": (
        "Build the stakeholder diplomacy to take the {goal_area} agenda to the executive "
        "committee by year end.",
        "Grow my {goal} so I can lead a division-wide change without escalating every decision.",
        "Prepare for a first vice-president role by strengthening {goal} and {goal2}.",
        "Step up from running a function to shaping strategy, starting with {goal}.",
        "Learn how senior decisions really get made, and practise {goal} on live issues.",
        "Become a credible voice at the leadership table on {goal_area}.",
        "Delegate more of the day-to-day so I can invest in {goal}.",
    ),
    "reverse": (
        "Help a senior leader build hands-on {strength} and use it in their own decisions.",
        "Share how my generation works with {strength}; learn how {goal_area} decisions are made.",
        "Get a senior leader posting on social media with confidence by the next quarter.",
        "Demystify AI tools for the executive team, one real use case at a time.",
        "Turn {strength} from a buzzword into something my mentee uses every week.",
    ),
    "reciprocal": (
        "Trade {strength} for {goal}: each of us teaches what the other wants to learn.",
        "Learn from each other across levels: {goal} one way, {strength} the other.",
        "Swap perspectives between {division} and {other_division}, and bring both into our plans.",
        "Build a two-way habit of feedback while growing {goal}.",
    ),
    "peer": (
        "Hold each other to account on {goal} through monthly practice and reflection.",
        "A peer circle to work through {goal_area} challenges we both face.",
        "Compare notes on {goal} and try one new approach each month.",
        "Support each other through a first year at {level_name} level.",
    ),
}

#: Optional endings that ground an objective in time or place ("" keeps it as is).
OBJECTIVE_CONTEXTS: tuple[str, ...] = (
    "",
    "",
    "",
    ", with a check on progress every month",
    ", using live issues from {division}",
    ", before the next planning cycle",
    ", in time for the mid-year review",
    ", one real decision at a time",
    ", and write up what changed",
    ", starting with the budget round",
    ", with a sponsor reviewing the outcome",
)

MILESTONES: tuple[tuple[str, str], ...] = (
    (
        "Present the strategic plan to the executive team",
        "Plan presented; at least two decisions taken from it",
    ),
    ("Lead a cross-functional initiative", "Initiative launched with three divisions involved"),
    ("Pilot a high-stakes negotiation", "Negotiation closed with a debrief written up"),
    ("Run a no-blame after-action review", "Review held; actions agreed and owners named"),
    ("Map the key stakeholders for the budget round", "Map reviewed with the mentor"),
    ("Delegate the weekly operations review", "Deputy has run it for four weeks unaided"),
    ("Shadow a risk committee meeting", "Three takeaways shared with the team"),
    ("Publish a first LinkedIn article", "Article posted and shared internally"),
    ("Build a personal dashboard with the data team", "Dashboard used in a monthly review"),
    ("Use an AI assistant on a real board paper", "Draft produced and reviewed together"),
    ("Write a one-page strategy for the function", "Signed off by the division head"),
    ("Hold the difficult conversation with a peer", "Conversation held; follow-up agreed"),
    ("Sponsor a junior colleague's proposal", "Proposal reaches the investment committee"),
    ("Chair the quarterly business review", "Review chaired without the mentor present"),
    ("Agree a development plan for the next role", "Plan agreed with line manager"),
    ("Visit a branch or operations centre for a day", "Visit done; one process change proposed"),
    ("Co-host a town hall segment on digital change", "Segment delivered; survey score ≥ 4"),
    ("Set up a reverse-mentoring session for the leadership team", "Session held"),
    ("Present the business case to the risk committee", "Business case approved or re-scoped"),
    ("Run a listening round with the team", "Themes written up and shared back"),
    ("Build a peer network in another geography", "Three regular contacts established"),
    ("Draft the learning contract with clear success criteria", "Both parties sign it off"),
)

FLAG_NOTES: dict[str, tuple[str, ...]] = {
    "no_contact": (
        "No check-in logged for well over two cadence periods.",
        "Mentee says the last three invites were declined.",
        "Pair has gone quiet since the kick-off.",
    ),
    "missed_milestones": (
        "Two milestones past due with no update.",
        "Learning contract milestones slipping; no revised dates.",
    ),
    "low_ratings": (
        "Confidence and safety ratings dropped sharply since the mid-point.",
        "Ratings falling at each of the last few check-ins.",
    ),
    "mismatch": (
        "Only one side is logging check-ins; possible mismatch of expectations.",
        "Mentee unsure what the pairing is for.",
    ),
    "capacity": (
        "Mentor holds more active pairings than their stated capacity.",
        "Mentor stretched across too many pairs; mentees report cancellations.",
    ),
    "other": ("Pair asked for help re-scoping the objectives.",),
}

FLAG_RESOLUTIONS = (
    "Alignment check held; new cadence agreed.",
    "Rematched the mentee with a new mentor.",
    "Milestones re-dated with the pair's agreement.",
    "Spoke with both parties; the pairing is back on track.",
    "Pairing ended by mutual agreement.",
)

MONTH_NAMES = (
    "Jan",
    "Feb",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
)

#: The mentor's side of the same themes (a mentor's journal reads differently).
MENTOR_BODIES: dict[str, dict[str, tuple[str, ...]]] = {
    SCHEDULING: {
        POSITIVE: (
            "{name} comes with an agenda every time, which makes the hour easy to protect.",
            "We haven't missed a slot since {month}; I'm surprised how much I look forward to it.",
        ),
        MIXED: (
            "I've had to move our last two sessions; I owe {name} a steadier rhythm.",
            "We meet, but I can tell {name} is squeezing it in.",
        ),
        NEGATIVE: (
            "I've offered three slots and heard nothing back.",
            "Honestly I've let this slide; my diary has eaten every session since {month}.",
            "{name} has cancelled the last few at short notice.",
        ),
    },
    TRUST: {
        POSITIVE: (
            "{name} brought a real mistake to the session, which tells me the trust is there.",
            "I shared a failure of my own and the conversation changed gear.",
        ),
        MIXED: (
            "Still feels like {name} tells me what they think I want to hear.",
            "We're polite with each other; I want us to get to honest.",
        ),
        NEGATIVE: (
            "I sense {name} doesn't trust that this stays between us.",
            "Every answer is rehearsed. I haven't found a way in.",
        ),
    },
    STAKEHOLDERS: {
        POSITIVE: (
            "Watched {name} pre-wire the committee exactly as we practised. It worked.",
            "{name} is reading the room far better than in {month}.",
        ),
        MIXED: (
            "{name} gets the theory of influence; the nerve to use it is still coming.",
            "We mapped the stakeholders, but {name} hasn't spoken to any of them yet.",
        ),
        NEGATIVE: (
            "I keep suggesting people to meet and none of the introductions get used.",
            "{name} sees politics as beneath the work, and it is costing them.",
        ),
    },
    STRATEGY: {
        POSITIVE: (
            "{name}'s one-page strategy was sharper than some I see at board level.",
            "Good to see {name} argue about three years out rather than next quarter.",
        ),
        MIXED: (
            "We start on strategy and end up in the weeds every time.",
            "{name} has the ideas; the prioritisation is still missing.",
        ),
        NEGATIVE: (
            "Each session turns into operational firefighting and I let it.",
            "I'm not sure {name} wants to step back from delivery yet.",
        ),
    },
    DELEGATION: {
        POSITIVE: (
            "{name} handed over the weekly review and didn't take it back. Real progress.",
            "Asked {name} what only they can do; the list was shorter this time.",
        ),
        MIXED: (
            "{name} delegates on paper, then rewrites the output.",
            "Some letting go, some relapse. Normal at this stage.",
        ),
        NEGATIVE: (
            "{name} is still the bottleneck in their team; the sessions aren't shifting it.",
            "Every idea about delegating meets a reason why not.",
        ),
    },
    CAREER: {
        POSITIVE: (
            "Put {name} forward for the transformation role; they earned it.",
            "{name} now has a clear story about the next move, and evidence behind it.",
        ),
        MIXED: (
            "{name} wants sponsorship; I want to see a bit more first.",
            "We talk about the next role more than the skills for it.",
        ),
        NEGATIVE: (
            "I'm not sure I'm the right sponsor for where {name} wants to go.",
            "{name} seems to want a referee more than a mentor.",
        ),
    },
    CROSS_FUNCTIONAL: {
        POSITIVE: (
            "Taking {name} to the operations review opened both our eyes.",
            "I learned as much about {name}'s division as they did about mine.",
        ),
        MIXED: (
            "Our worlds are far apart; translating takes half the session.",
            "Useful exchange of context, less of practice.",
        ),
        NEGATIVE: (
            "We spend most of the hour explaining our own jargon.",
            "I can't make my experience land in {name}'s function.",
        ),
    },
    DIGITAL: {
        POSITIVE: (
            "Showed {name} how our team uses AI tools day to day; lots of sharp questions.",
            "{name} posted on LinkedIn for the first time this week. Small step, big signal.",
            "Teaching {name} the data tools made me see how decisions get made upstairs.",
        ),
        MIXED: (
            "{name} gets the tools in the session, then doesn't practise between them.",
            "I'm never sure how far to push someone this senior on the technical detail.",
        ),
        NEGATIVE: (
            "{name} cancels whenever it gets technical.",
            "We spent the hour on laptop settings again; it felt like tech support.",
        ),
    },
    DIFFICULT: {
        POSITIVE: (
            "{name} had the performance conversation they'd been avoiding, and it went well.",
            "Role-played the client escalation; {name} held their ground.",
        ),
        MIXED: (
            "{name} prepared well, but the real conversation went sideways.",
            "We named the conflict but haven't worked out what to do with it.",
        ),
        NEGATIVE: (
            "We both avoid the hard topic, and I should know better.",
            "There's tension between us that I haven't named.",
        ),
    },
    FIT: {
        POSITIVE: (
            "Good match: I've made the transition {name} is attempting.",
            "We rewrote the contract together and {name} owns it now.",
        ),
        MIXED: (
            "The goals we set in {month} don't fit {name}'s new role; time to revisit.",
            "I'm not sure I'm the right person for this particular goal.",
        ),
        NEGATIVE: (
            "I don't think {name} and I want the same thing from this.",
            "The pairing looked right on paper; it isn't working in practice.",
        ),
    },
}

#: What colleagues, leads and sponsors see from the outside (360s, lead notes).
OBSERVER_BODIES: dict[str, tuple[str, ...]] = {
    POSITIVE: (
        "{name} is noticeably more confident in the leadership meeting.",
        "Saw {name} chair the quarterly review without notes. Big change since {month}.",
        "{name} has started pulling other divisions into decisions early.",
        "The team says {name} delegates more and explains the why.",
        "{name} ran the after-action review and kept it genuinely no-blame.",
    ),
    MIXED: (
        "{name} is trying new things; not all of them land yet.",
        "Some change in how {name} runs meetings, less in how they prioritise.",
        "{name} is more visible, though still hesitant with senior stakeholders.",
    ),
    NEGATIVE: (
        "No visible change in how {name} works since the programme started.",
        "{name} still escalates decisions the team could take.",
        "The pairing seems to have gone quiet; {name} hasn't mentioned it in months.",
        "Colleagues say {name} is stretched and the mentoring is the first thing to go.",
    ),
}
