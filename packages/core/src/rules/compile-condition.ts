import type { Condition, ConditionLeaf } from '../campaign.js';
import type { PropertyValue } from '../event.js';
import { looseEquals, onScale, toOrdering } from './compare.js';
import type { Scope } from './context.js';
import { formatList, formatValue } from './format.js';
import { memoReason } from './memo.js';
import { compileResolver, type Resolver } from './resolve.js';

/** A condition compiled once per campaign: null when it holds, else the reason it failed. */
export interface CompiledCondition {
  /** What the condition asks, for `not` explanations: `address.country equals "DE"`. */
  readonly describe: string;
  check(scope: Scope): string | null;
  /** The field value a leaf looked at (leaves only). */
  readonly read?: Resolver;
}

/** Compiles `all` / `any` / `not` / leaf conditions; `path` prefixes every reason. */
export function compileCondition(condition: Condition, path: string): CompiledCondition {
  if ('all' in condition) return compileAll(condition.all, `${path}.all`);
  if ('any' in condition) return compileAny(condition.any, `${path}.any`);
  if ('not' in condition) return compileNot(condition.not, `${path}.not`);
  return compileLeaf(condition, path);
}

function compileAll(items: Condition[], path: string): CompiledCondition {
  const children = items.map((item, index) => compileCondition(item, `${path}[${index}]`));
  return {
    describe: `all of ${children.length} conditions`,
    check(scope) {
      for (const child of children) {
        const failure = child.check(scope);
        if (failure !== null) return failure;
      }
      return null;
    },
  };
}

function compileAny(items: Condition[], path: string): CompiledCondition {
  const children = items.map((item, index) => compileCondition(item, `${path}[${index}]`));
  return {
    describe: `any of ${children.length} conditions`,
    check(scope) {
      const failures: string[] = [];
      for (const child of children) {
        const failure = child.check(scope);
        if (failure === null) return null;
        failures.push(failure);
      }
      return `${path}: none matched${failures.length === 0 ? ' (empty list)' : ` (${failures.join('; ')})`}`;
    },
  };
}

function compileNot(item: Condition, path: string): CompiledCondition {
  const child = compileCondition(item, path);
  return {
    describe: `not (${child.describe})`,
    check(scope) {
      if (child.check(scope) !== null) return null;
      const got = child.read ? `got ${formatValue(child.read(scope))}` : 'but it held';
      return `${path}: expected not (${child.describe}), ${got}`;
    },
  };
}

type Test = { describe: string; expected: string; test: (value: PropertyValue | undefined) => boolean };

function compileLeaf(leaf: ConditionLeaf, path: string): CompiledCondition {
  const read = compileResolver(leaf.field);
  const { describe, expected, test } = compileTest(leaf);
  const reason = memoReason(
    (value: PropertyValue | undefined) =>
      `${path}: ${leaf.field} expected ${expected}, got ${formatValue(value)}${hint(leaf, value)}`,
  );
  return {
    describe: `${leaf.field} ${describe}`,
    read,
    check(scope) {
      const value = read(scope);
      return test(value) ? null : reason(value);
    },
  };
}

function compileTest(leaf: ConditionLeaf): Test {
  if (leaf.equals !== undefined) {
    const want = leaf.equals;
    const shown = formatValue(want);
    return { describe: `equals ${shown}`, expected: shown, test: (value) => looseEquals(value, want) };
  }
  if (leaf.in !== undefined) {
    const list = leaf.in;
    const shown = formatList(list);
    return {
      describe: `in ${shown}`,
      expected: `one of ${shown}`,
      test: (value) => list.some((want) => looseEquals(value, want)),
    };
  }
  if (leaf.exists !== undefined) {
    const want = leaf.exists;
    const present = (value: PropertyValue | undefined) =>
      value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
    const word = want ? 'to exist' : 'not to exist';
    return {
      describe: want ? 'exists' : 'does not exist',
      expected: word,
      test: (value) => present(value) === want,
    };
  }
  if (leaf.contains !== undefined) {
    const part = leaf.contains;
    const shown = formatValue(part);
    return {
      describe: `contains ${shown}`,
      expected: `to contain ${shown}`,
      test: (value) =>
        (typeof value === 'string' || typeof value === 'number') && String(value).includes(part),
    };
  }
  if (leaf.matches !== undefined) {
    const regex = new RegExp(leaf.matches);
    return {
      describe: `matches /${leaf.matches}/`,
      expected: `to match /${leaf.matches}/`,
      test: (value) => value !== undefined && value !== null && regex.test(String(value)),
    };
  }
  return compileOrder(leaf);
}

function compileOrder(leaf: ConditionLeaf): Test {
  const greater = leaf.gt !== undefined;
  const operand = (greater ? leaf.gt : leaf.lt) as number | string;
  const order = toOrdering(operand);
  const sign = greater ? '>' : '<';
  const shown = order.kind === 'number' ? String(order.value) : formatValue(operand);
  return {
    describe: `${sign} ${shown}`,
    expected: `${sign} ${shown}`,
    test: (value) => {
      const actual = onScale(value, order.kind);
      if (actual === null) return false;
      return greater ? actual > order.value : actual < order.value;
    },
  };
}

/** Says why a gt/lt value could not be compared at all. */
function hint(leaf: ConditionLeaf, value: PropertyValue | undefined): string {
  if ((leaf.gt === undefined && leaf.lt === undefined) || value === undefined || value === null) return '';
  const order = toOrdering((leaf.gt ?? leaf.lt) as number | string);
  if (onScale(value, order.kind) !== null) return '';
  return order.kind === 'number' ? ' (not a number)' : order.kind === 'date' ? ' (not a date)' : '';
}
