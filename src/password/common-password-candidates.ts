/**
 * Builds the bundled list of common passwords from the habits behind them: a popular word with
 * digits, a year or a symbol after it, a word typed twice, letters swapped for look-alike
 * symbols, keyboard walks and repeated runs. Only candidates the length rule lets through are
 * kept, since shorter ones are refused anyway. `npm run passwords:generate` writes the file.
 */

/** Splits a block of whitespace-separated words. */
function words(block: string): string[] {
  return block.split(/\s+/).filter(Boolean);
}

/** Words people build passwords from: the default ones, pets, teams, places, names, brands. */
const WORDS = words(`
  password passw0rd qwerty letmein welcome iloveyou admin administrator dragon monkey football
  baseball basketball soccer hockey sunshine princess master shadow superman batman spiderman
  starwars pokemon minecraft whatever trustno1 freedom computer internet secret summer winter
  spring autumn january october november december monday friday jesus blessed loveme lovely angel
  flower butterfly chocolate cookie cheese pepper ginger orange banana cherry purple yellow
  silver golden diamond charlie michael jennifer jessica ashley daniel thomas robert jordan
  hunter ranger buster tigger maggie bailey killer matrix mustang harley corvette ferrari porsche
  mercedes yankees cowboys liverpool chelsea arsenal barcelona london paris newyork california
  america canada germany snoopy mickey nintendo playstation gaming hacker access login changeme
  default guest testing family forever friends happy lucky magic music guitar rockstar company
  office google facebook linkedin microsoft samsung iphone abc love
`);

const PREFIXES = ['my', 'the', 'ilove'];

const SUFFIXES = [
  '',
  ...words('1 12 123 1234 12345 123456 1234567 12345678 123456789 ! !! 1! 12! 123! 1234! @123'),
  ...words('#1 01 007 69 99 ?'),
];
const YEARS = Array.from({ length: 2026 - 1970 + 1 }, (_, i) => String(1970 + i));

/** Keyboard walks and runs people type as "long" passwords. */
const WALKS = words(`
  qwertyuiop qwertyuiopasdfghjkl asdfghjkl asdfghjklzxcvbnm zxcvbnm qwertyasdfgh
  qwertyasdfghzxcvbn 1qaz2wsx3edc 1qaz2wsx3edc4rfv qazwsxedcrfv qazwsxedcrfvtgb zaq12wsxcde3
  zaq1xsw2cde3 1q2w3e4r5t6y 1q2w3e4r5t6y7u8i q1w2e3r4t5y6 abcdefghijkl abcdefghijklmnop
  abcdefghijklmnopqrstuvwxyz qwertzuiopasdfghjkl azertyuiopqsdfghjklm 1234qwerasdfzxcv
  qwer1234asdf !qaz@wsx#edc 1qazxsw23edc
`);

/** Phrases that sound long and random to whoever picks them, and are not. */
const PHRASES = words(`
  correcthorsebatterystaple letmeinplease opensesame thequickbrownfox
  thequickbrownfoxjumpsoverthelazydog iloveyoutoo iloveyouforever iloveyousomuch ihateyou
  youcantguessthis thisismypassword mypasswordis changemenow pleaseletmein notmypassword
  supersecretpassword verysecurepassword strongpassword securepassword nopassword
  passwordispassword welcomehome godisgood jesuslovesme jesusismysavior blessedandhighlyfavored
  livelaughlove carpediem hakunamatata maytheforcebewithyou tothemoon happybirthday
`);

const LOOK_ALIKES: [RegExp, string][] = [
  [/a/g, '@'],
  [/e/g, '3'],
  [/i/g, '1'],
  [/o/g, '0'],
  [/s/g, '$'],
];

export const MIN_LISTED_LENGTH = 12;

/** Every listed password, lowercase, unique and sorted. */
export function commonPasswordCandidates(): string[] {
  const found = new Set<string>();
  const add = (candidate: string) => {
    if (candidate.length >= MIN_LISTED_LENGTH && candidate.length <= 64) found.add(candidate);
  };

  for (const word of [...WORDS, ...PHRASES]) {
    for (const stem of [word, lookAlike(word)]) {
      for (const suffix of SUFFIXES) add(stem + suffix);
      add(stem + stem);
    }
    for (const year of YEARS) add(word + year);
    for (const prefix of PREFIXES) {
      for (const suffix of ['1', '123', '!']) add(prefix + word + suffix);
    }
  }
  for (const walk of WALKS) {
    for (const suffix of SUFFIXES) add(walk + suffix);
    add(walk + walk);
  }
  for (const run of repeatedRuns()) add(run);

  return [...found].sort();
}

/** Each letter swapped for its usual look-alike symbol or digit. */
function lookAlike(word: string): string {
  return LOOK_ALIKES.reduce((text, [letter, symbol]) => text.replace(letter, symbol), word);
}

/** One character, a pair or a short digit run repeated to 12 to 16 characters. */
function* repeatedRuns(): Generator<string> {
  const units = [
    ...'abcdefghijklmnopqrstuvwxyz0123456789!',
    ...words('12 21 123 321 1234 4321 12345 54321 123456 654321 1234567890 0987654321'),
    ...words('abc abcd xyz qwe asd zxc aa ab 11 69'),
  ];
  for (const unit of units) {
    for (let length = MIN_LISTED_LENGTH; length <= 16; length += 1) {
      yield unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    }
  }
}
