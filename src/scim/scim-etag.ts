import type { Request } from 'express';

/**
 * The version an `If-Match` header asks for: `W/"3"` or `"3"` give 3, `*` or no header give
 * undefined (no precondition). Anything else can match no version, so it gives -1.
 */
export function ifMatchVersion(req: Request): number | undefined {
  const header = req.header('if-match')?.trim();
  if (!header || header === '*') return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(header);

  return match ? Number(match[1]) : -1;
}
