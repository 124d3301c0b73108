import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFacts } from '../../../rpcmap/extract/go-extractor';
import { createGoParser } from '../../../rpcmap/extract/go-parser';
import { plainCalleeBefore } from '../../../rpcmap/extract/source-text';
import { plainAssignment, plainExpr } from '../../../rpcmap/extract/text-shapes';

const FIXTURE = join(__dirname, '../../fixtures/rpcmap/extractor');

describe('the Go extractor', () => {
  it('given Go of many shapes, when extracted, then the facts are exactly the ones recorded before the walker learnt to skip subtrees', () => {
    const source = readFileSync(join(FIXTURE, 'shapes.go'), 'utf8');
    const recorded = JSON.parse(readFileSync(join(FIXTURE, 'shapes.facts.json'), 'utf8')) as {
      withModule: unknown;
      withoutModule: unknown;
    };
    const tree = createGoParser().parse(source);

    expect(tree.rootNode.hasError).toBe(false);
    expect(extractFacts(tree, source, { modulePaths: ['github.com/acme/bank'] })).toEqual(
      recorded.withModule,
    );
    expect(extractFacts(tree, source, { modulePaths: [] })).toEqual(recorded.withoutModule);
  });

  it('given a call that is not kept around one that is, when extracted, then the inner call is kept', () => {
    const source = `package p

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/monzo/slog"
)

func f() {
\tslog.Info(ctx, "x", g(http.Get("http://service.a/x")))
\treturn strings.TrimSpace(fmt.Sprint(new(T).Send(ctx)))
}
`;
    const facts = extractFacts(createGoParser().parse(source), source, {
      modulePaths: ['github.com/acme/bank'],
    });

    const calls = facts.funcs.find((fn) => fn.n === 'f')?.c.map((site) => site.c);
    expect(calls).toEqual([
      { k: 'sel', x: 'http', n: 'Get' },
      { k: 'f', n: 'g' },
      { k: 'm', r: { k: 'u' }, n: 'Send' },
    ]);
  });
});

describe('the callee written before a parenthesis', () => {
  const before = (text: string) => plainCalleeBefore(text, text.lastIndexOf('('), 0);

  it.each([
    ['f(', { x: undefined, n: 'f' }],
    ['x := f(', { x: undefined, n: 'f' }],
    ['return a.b(', { x: 'a', n: 'b' }],
    ['g(x, *a.b(', { x: 'a', n: 'b' }],
    ['!ok && s2.Has(', { x: 's2', n: 'Has' }],
    ['x / a.b(', { x: 'a', n: 'b' }],
  ])('given %j, then the callee is plain: %j', (text, callee) => {
    expect(before(text)).toEqual(callee);
  });

  it.each([
    ['a.b.c(', 'part of a longer selector'],
    ['a.\n\tb(', 'a selector across a line break'],
    ['a. /* c */ b(', 'a selector with a comment in it'],
    ['f(x).b(', 'a method of a call’s result'],
    ['xs[i](', 'an indexed function'],
    ['f[int](', 'type arguments'],
    ['f (', 'a space before the parenthesis'],
    ['x.(', 'a type assertion'],
    ['"a" b(', 'after a literal'],
    ['/* c */b(', 'right after a comment'],
    ['héllo.b(', 'a name outside ASCII'],
    ['1.e(', 'a number'],
    ['(', 'nothing'],
  ])('given %j (%s), then it is not plain', (text) => {
    expect(before(text)).toBeUndefined();
  });
});

describe('statements read from their text', () => {
  it.each([
    ['x := f(a, "b", c.d)', 'a call'],
    ['s.addr, err = "svc:80", e', 'values'],
    ['a, b :=\n\tpkg.F(ctx)', 'a call after a line break'],
  ])('given %j (%s), then it is plain', (text) => {
    expect(plainAssignment(text, 0, text.length)).toBeDefined();
  });

  it.each([
    ['x := f (a)', 'a space before the parenthesis'],
    ['x := /* c */ f(a)', 'a comment'],
    ['x := f(g(a)).h', 'a selector of a call'],
    ['nil := x', 'nil as a target'],
    ['x += 1', 'a compound operator'],
    ['x := a.b.c', 'a longer selector'],
    ['x := "a" - b', 'another operator than +'],
    ['*p = "x"', 'a pointer target'],
    ['x := f[int](a)', 'type arguments'],
  ])('given %j (%s), then it is read from the tree', (text) => {
    expect(plainAssignment(text, 0, text.length)).toBeUndefined();
  });

  it('given a plain call, then its callee and arguments are read', () => {
    const text = 'grpc.Dial(addr, "x", opts.Secure)';
    expect(plainExpr(text, 0, text.length)).toEqual({
      t: 'call',
      start: 0,
      x: 'grpc',
      n: 'Dial',
      args: [
        { t: 'id', n: 'addr' },
        { t: 's', v: 'x' },
        { t: 'sel', x: 'opts', n: 'Secure' },
      ],
    });
    expect(plainExpr('f(a)(b)', 0, 7)).toBeUndefined();
  });
});
