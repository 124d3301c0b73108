import { STATEMENT_WCU } from '../../lambdas/core/edge/waf-statements';
import { managedRuleGroupCapacity } from '../../lambdas/core/edge/waf-managed-groups';
import { AwsServiceError } from '../aws-endpoint/aws-errors';

/**
 * The WCUs WAF charges a rule statement, from AWS's documented per-statement costs, so the
 * stand-in refuses a web ACL over capacity as WAF does. Statement types Ward never emits are
 * refused rather than guessed at: a stand-in that under-counts would hide a real refusal.
 */
export function statementCapacity(statement: unknown, path = 'Statement'): number {
  const [type, body] = singleEntry(statement, path);
  const inner = body as Record<string, unknown>;
  const transforms = () => transformationCost(inner.TextTransformations, path);
  switch (type) {
    case 'IPSetReferenceStatement':
      return STATEMENT_WCU.ipSetReference;
    case 'GeoMatchStatement':
      return STATEMENT_WCU.geoMatch;
    case 'LabelMatchStatement':
      return 1;
    case 'ByteMatchStatement': {
      const contains =
        inner.PositionalConstraint === 'CONTAINS' || inner.PositionalConstraint === 'CONTAINS_WORD';
      return (
        (contains ? STATEMENT_WCU.stringMatchContains : STATEMENT_WCU.stringMatchExactStartsEnds) +
        transforms()
      );
    }
    case 'RegexMatchStatement':
      return STATEMENT_WCU.regexMatch + transforms();
    case 'RegexPatternSetReferenceStatement':
      return STATEMENT_WCU.regexPatternSet + transforms();
    case 'SizeConstraintStatement':
      return STATEMENT_WCU.sizeConstraint + transforms();
    case 'AndStatement':
    case 'OrStatement': {
      const parts = inner.Statements;
      if (!Array.isArray(parts) || parts.length < 2)
        throw invalid(`${path}.${type}.Statements`, 'needs at least two statements');
      return parts.reduce<number>(
        (sum, part, i) => sum + statementCapacity(part, `${path}.${type}.Statements[${i}]`),
        0,
      );
    }
    case 'NotStatement':
      return statementCapacity(inner.Statement, `${path}.NotStatement.Statement`);
    case 'RateBasedStatement': {
      const keys = Array.isArray(inner.CustomKeys) ? inner.CustomKeys.length : 0;
      const scopeDown =
        inner.ScopeDownStatement === undefined
          ? 0
          : statementCapacity(inner.ScopeDownStatement, `${path}.RateBasedStatement.ScopeDown`);
      return STATEMENT_WCU.rateBased + keys * STATEMENT_WCU.perRateCustomKey + scopeDown;
    }
    case 'ManagedRuleGroupStatement': {
      const known = managedRuleGroupCapacity(String(inner.VendorName), String(inner.Name));
      if (known === undefined)
        throw new AwsServiceError(
          'WAFNonexistentItemException',
          `AWS WAF couldn't perform the operation because your resource doesn't exist: managed rule group ${String(inner.VendorName)}/${String(inner.Name)}`,
        );
      return known;
    }
    default:
      throw invalid(`${path}.${type}`, 'is not a statement the local stand-in knows');
  }
}

function transformationCost(list: unknown, path: string): number {
  if (!Array.isArray(list) || list.length === 0)
    throw invalid(`${path}.TextTransformations`, 'needs at least one transformation');
  if (list.length > 10) throw invalid(`${path}.TextTransformations`, 'more than 10');
  return (
    list.filter((t) => (t as { Type?: unknown }).Type !== 'NONE').length *
    STATEMENT_WCU.perTextTransformation
  );
}

function singleEntry(statement: unknown, path: string): [string, unknown] {
  if (statement === null || typeof statement !== 'object' || Array.isArray(statement))
    throw invalid(path, 'must be an object');
  const entries = Object.entries(statement).filter(([, value]) => value !== undefined);
  if (entries.length !== 1 || entries[0] === undefined)
    throw invalid(path, 'must hold exactly one statement type');
  return entries[0];
}

/** WAF's validation error: the SDK's WAFInvalidParameterException, naming the field at fault. */
export function invalid(field: string, reason: string): AwsServiceError {
  return new AwsServiceError(
    'WAFInvalidParameterException',
    `Error reason: ${reason}, field: ${field}`,
  );
}
