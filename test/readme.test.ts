import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { createSchema } from '../src/graphql/schema';

/** The GraphQL operations in the README's worked examples, one per top-level definition. */
function workedExamples(): string[] {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Worked examples'));
  const block = /```graphql\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

  return parse(block).definitions.map((definition) => {
    const { start, end } = definition.loc!;

    return block.slice(start, end);
  });
}

describe('README worked examples', () => {
  const examples = workedExamples();

  it('cover every mutation of the API', async () => {
    const schema = await createSchema();
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    const used = new Set(examples.map((text) => /\{\s*(\w+)/.exec(text)?.[1]));

    expect(mutations.filter((name) => !used.has(name))).toEqual([]);
  });

  it('are all valid against the schema', async () => {
    const schema = await createSchema();
    const invalid = examples
      .map((text) => ({ text, errors: validate(schema, parse(text)).map((e) => e.message) }))
      .filter((example) => example.errors.length > 0);

    expect(invalid).toEqual([]);
  });
});
