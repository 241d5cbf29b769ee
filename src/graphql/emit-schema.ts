import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createSchema } from './schema';

const TARGET = resolve(__dirname, '../../schema.graphql');
const HEADER = '# Generated from the code by `npm run schema:emit`. Do not edit by hand.\n\n';

/** Writes schema.graphql, or with `--check` fails when the committed file differs from the code. */
async function main(): Promise<void> {
  const printed = HEADER + printSchema(lexicographicSortSchema(await createSchema())) + '\n';
  if (!process.argv.includes('--check')) {
    writeFileSync(TARGET, printed);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(TARGET, 'utf8');
  } catch {
    // A missing file is drift too.
  }
  if (committed !== printed) {
    process.stderr.write(
      'schema.graphql is out of date with the code: run `npm run schema:emit`.\n',
    );
    process.exit(1);
  }
  process.stdout.write('schema.graphql matches the code\n');
}

void main();
