import type { FilterNode } from './ast';
import { ELEMENT_ALIAS, type Scope, type Target } from './attributes';
import { type Bind, compareSql, presentSql } from './comparison';

/**
 * Writes a parsed filter as one parenthesised SQL condition. Every value goes through `bind`;
 * only schema SQL and fixed keywords are written into the text.
 */
export function compileFilter(node: FilterNode, scope: Scope, bind: Bind): string {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const operands = node.operands.map((operand) => compileFilter(operand, scope, bind));
      return `(${operands.join(` ${node.kind} `)})`;
    }
    // "is not true" rather than "not": a comparison with a missing value yields SQL null, and
    // `not (title eq "x")` must match a user without a title.
    case 'not':
      return `(${compileFilter(node.operand, scope, bind)} is not true)`;
    case 'present':
      return present(scope.resolve(node.path));
    case 'compare': {
      const target = scope.resolve(node.path);
      const condition = compareSql(
        target.operand,
        node.operator,
        node.operatorPosition,
        node.value,
        bind,
      );
      return target.kind === 'single' ? condition : anyElement(target.elements, condition);
    }
    case 'valuePath': {
      const container = scope.container(node.path);
      const condition = compileFilter(node.filter, container.scope, bind);
      return container.elements === undefined
        ? condition
        : anyElement(container.elements, condition);
    }
  }
}

function present(target: Target): string {
  if (target.kind === 'single') {
    return presentSql(target.operand);
  }
  // A bare `emails pr` asks for at least one email, whatever its sub-attributes hold.
  if (!target.explicitSub) {
    return `(exists (select 1 from jsonb_array_elements(${target.elements}) as ${ELEMENT_ALIAS}))`;
  }

  return anyElement(target.elements, presentSql(target.operand));
}

/**
 * A multi-valued attribute matches when one of its elements does (RFC 7644 §3.4.2.2). Putting
 * all of a value filter's conditions in one `where` makes them hold on the same element.
 */
function anyElement(elements: string, condition: string): string {
  return (
    `(exists (select 1 from jsonb_array_elements(${elements}) as ${ELEMENT_ALIAS} ` +
    `where ${condition}))`
  );
}
