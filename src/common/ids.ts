import { v7 } from 'uuid';

/** Time-ordered UUIDs (v7) keep primary-key indexes append-mostly and make id order creation order. */
export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that is not a UUID can never match a row, so callers treat it as unknown. */
export const isUuid = (value: string): boolean => UUID.test(value);
