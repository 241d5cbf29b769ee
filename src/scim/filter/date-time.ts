const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))?$/i;

/**
 * Checks an xsd:dateTime (RFC 7643 §2.3.5) field by field, because Date.parse and PostgreSQL
 * disagree on input such as 2024-02-30 or 24:00. Returns the text with an explicit zone, reading
 * a missing zone as UTC so the server's time zone never changes the answer; undefined if invalid.
 */
export function normaliseDateTime(text: string): string | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const zoneHours = match[9] === undefined ? 0 : Number(match[9]);
  const zoneMinutes = match[10] === undefined ? 0 : Number(match[10]);
  const valid =
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    zoneHours <= 14 &&
    zoneMinutes <= 59;
  if (!valid) {
    return undefined;
  }

  return match[8] === undefined ? `${text}Z` : text;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }

  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
