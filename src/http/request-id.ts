import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestScope } from '../logger';

/** Client-supplied ids are echoed only when they are short and printable, to keep logs clean. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes `X-Request-Id` from the client or makes one, echoes it, and scopes logs to it. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const header = req.header('x-request-id');
  const id = header && ACCEPTABLE.test(header) ? header : randomUUID();
  res.setHeader('X-Request-Id', id);
  res.locals.requestId = id;
  requestScope.run({ requestId: id }, next);
}
