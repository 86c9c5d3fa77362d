/// The sentence patterns of the short stories.
///
/// Slots: `{A}`, `{B}`, `{C}` are characters as subjects (a name or he/she), `{A.obj}` as objects
/// (a name or him/her), `{A.his}` possessive (his/her), `{AB}` both A and B as a subject ("they"
/// or "Mary and John"). `{P}` and `{P2}` are two places, `{O}` and `{O2}` two objects, `{D}` a
/// day, `{M}` a month, `{N}` a number and `{NW}` a number word, fixed for the whole story so that
/// "the ring" keeps meaning the same ring.
///
/// Some middles use the words of the held-out IOI templates ("Because", "Once", "offered",
/// "whispered"...) outside any IOI structure, so those words are known to a model trained on the
/// corpus while the held-out templates themselves stay unseen.
enum StoryPatterns {
  static let openings: [String] = [
    "{A} went to the {P} on {D}.",
    "{A} and {B} went to the {P} together.",
    "One day, {A} found a {O} near the {P}.",
    "{A} lived near the {P} with {B}.",
    "In {M}, {A} and {B} worked at the {P}.",
    "{A} had a small {O}.",
    "On {D} morning, {A} walked to the {P}.",
    "{A} was at the {P} with {B}.",
    "{A} and {B} were friends.",
    "That year, {A} got a new {O}.",
  ]

  static let middles: [String] = [
    "{A} saw {B.obj} at the {P}.",
    "{A} wanted to buy a {O2}.",
    "{A} was very happy.",
    "{B} asked {A.obj} about the {O}.",
    "{A} gave the {O} to {B.obj}.",
    "{B} took the {O} home.",
    "{A} looked for {A.his} {O2}.",
    "{A} told {B.obj} a story.",
    "{B} laughed and thanked {A.obj}.",
    "{AB} sat down in the {P}.",
    "{AB} talked for a long time.",
    "{B} was tired, so {B} went home.",
    "{A} called {B.obj} on {D}.",
    "{B} did not have a {O2}.",
    "{A} found {A.his} {O2} in the {P2}.",
    "Then {A} walked to the {P2}.",
    "Later, {B} came back with a {O2}.",
    "{A} said that the {O} was new.",
    "{B} liked the {O} very much.",
    "{A} helped {B.obj} with the {O2}.",
    "{AB} went to the {P2} after lunch.",
    "{A} waited for {B.obj} at the {P}.",
    "{B} smiled at {A.obj}.",
    "{A} put the {O} in {A.his} pocket.",
    "{B} wanted to see the {O}.",
    "{A} showed the {O} to {B.obj}.",
    "{A} was {N} years old.",
    "{B} wrote a letter to {A.obj}.",
    "{A} ran to the {P2} and back.",
    "It was a cold day in {M}.",
    "The {P} was very quiet.",
    "{C} came to see {A.obj}.",
    "{C} gave a {O2} to {B.obj}.",
    "{A} and {C} played at the {P2}.",
    "{A} had {NW} friends at the {P}.",
    "On {D}, {B} went to the {P2}.",
    "{B} asked {C.obj} for a {O2}.",
    "{C} said hello to {A.obj} and {B.obj}.",
    "Because it was late, {AB} went home.",
    "Before lunch, {A} cleaned the {P}.",
    "Once {A} was done, {A} went to the {P2}.",
    "Since it was cold, {B} stayed home.",
    "Early in the morning, {B} went to the {P}.",
    "{A} spent the evening at home.",
    "{B} offered to help.",
    "{A} promised to come back.",
    "{B} returned home late.",
    "{A} whispered something.",
    "{B} explained the plan.",
    "{A} carried the {O} home.",
    "{A} mailed the letter.",
    "At the {P}, {A} read a book.",
    "{B} was bored.",
    "Last week, {A} was near the {P2}.",
  ]

  static let endings: [String] = [
    "{AB} were happy.",
    "In the end, {A} went home.",
    "{B} thanked {A.obj} and left.",
    "{AB} walked home together.",
    "The next day, {A} gave the {O} to {B.obj}.",
    "After that, {AB} went to the {P2} again.",
    "It was a good day for {A.obj}.",
    "{A} never forgot that day.",
  ]
}
