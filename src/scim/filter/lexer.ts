import { ScimFilterError } from './errors';

export type TokenKind = '(' | ')' | '[' | ']' | 'string' | 'word' | 'end';

export interface Token {
  kind: TokenKind;
  /** The decoded text of a string; the text as written for every other kind. */
  value: string;
  /** 1-based character where the token starts. */
  position: number;
}

const PUNCTUATION = new Set(['(', ')', '[', ']']);

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Splits a filter into punctuation, JSON strings and words. A word is any run of characters
 * other than whitespace, brackets and quotes, so attribute paths with URNs, operators, keywords,
 * numbers and unquoted values all arrive as words and the parser tells them apart by position.
 */
export function tokenize(filter: string): Token[] {
  const nul = filter.indexOf('\u0000');
  if (nul >= 0) {
    throw nulCharacter(nul + 1);
  }
  const tokens: Token[] = [];
  let index = 0;
  while (index < filter.length) {
    const char = filter[index];
    if (/\s/.test(char)) {
      index++;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ kind: char as TokenKind, value: char, position: index + 1 });
      index++;
    } else if (char === '"') {
      const { value, end } = readString(filter, index);
      tokens.push({ kind: 'string', value, position: index + 1 });
      index = end;
    } else {
      const start = index;
      while (index < filter.length && isWordChar(filter[index])) {
        index++;
      }
      tokens.push({ kind: 'word', value: filter.slice(start, index), position: start + 1 });
    }
  }
  tokens.push({ kind: 'end', value: '', position: filter.length + 1 });

  return tokens;
}

// PostgreSQL text cannot hold U+0000; refusing it here keeps it from failing the whole query.
function nulCharacter(position: number): ScimFilterError {
  return ScimFilterError.unsupported(
    position,
    'the filter contains the character U+0000, which no attribute can hold',
    'remove it',
  );
}

function isWordChar(char: string): boolean {
  return !/\s/.test(char) && !PUNCTUATION.has(char) && char !== '"';
}

/** Reads the JSON string whose opening quote is at `start`; `end` is the index after its close. */
function readString(filter: string, start: number): { value: string; end: number } {
  let value = '';
  let index = start + 1;
  while (index < filter.length) {
    const char = filter[index];
    if (char === '"') {
      return { value, end: index + 1 };
    }
    const piece = char === '\\' ? readEscape(filter, index) : { text: char, length: 1 };
    if (piece.text === '\u0000') {
      throw nulCharacter(index + 1);
    }
    value += piece.text;
    index += piece.length;
  }

  throw ScimFilterError.unexpected(
    filter.length + 1,
    `a closing " for the string that starts at character ${start + 1}`,
    'the end of the filter',
  );
}

function readEscape(filter: string, index: number): { text: string; length: number } {
  const code = filter[index + 1];
  if (code !== undefined && code in ESCAPES) {
    return { text: ESCAPES[code], length: 2 };
  }
  const hex = filter.slice(index + 2, index + 6);
  if (code === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
    return { text: String.fromCharCode(Number.parseInt(hex, 16)), length: 6 };
  }

  throw ScimFilterError.unexpected(
    index + 1,
    'a JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u followed by 4 hex digits); ' +
      'write a literal backslash as \\\\',
    code === undefined ? 'a backslash at the end of the filter' : `\\${code}`,
  );
}
