/**
 * The node kinds the extractor tells apart. Types and other subtrees that cannot hold a call
 * are `skip`; anonymous tokens are `token`; statements and expressions that hold nothing but
 * expressions are `prunable` (skipped when their text has no `(` or `{`); every other named
 * node is `other` (walked into).
 */
export const Kind = {
  other: 0,
  skip: 1,
  token: 2,
  comment: 3,
  packageClause: 4,
  packageIdentifier: 5,
  importDeclaration: 6,
  importSpecList: 7,
  importSpec: 8,
  constDeclaration: 9,
  varDeclaration: 10,
  constSpec: 11,
  varSpec: 12,
  varSpecList: 13,
  functionDeclaration: 14,
  methodDeclaration: 15,
  identifier: 16,
  fieldIdentifier: 17,
  typeIdentifier: 18,
  parameterList: 19,
  parameterDeclaration: 20,
  variadicParameterDeclaration: 21,
  block: 22,
  expressionList: 23,
  callExpression: 24,
  argumentList: 25,
  selectorExpression: 26,
  stringLiteral: 27,
  rawStringLiteral: 28,
  binaryExpression: 29,
  unaryExpression: 30,
  parenthesizedExpression: 31,
  compositeLiteral: 32,
  literalValue: 33,
  keyedElement: 34,
  literalElement: 35,
  qualifiedType: 36,
  shortVarDeclaration: 37,
  assignmentStatement: 38,
  funcLiteral: 39,
  prunable: 40,
  statementList: 41,
} as const;

/** Named subtrees that never hold a call: types, literals other than strings, labels. */
const SKIPPED = [
  'type_declaration', 'pointer_type', 'slice_type', 'array_type', 'map_type', 'channel_type',
  'struct_type', 'interface_type', 'function_type', 'generic_type', 'type_arguments',
  'type_parameter_list', 'int_literal', 'float_literal', 'imaginary_literal', 'rune_literal',
  'true', 'false', 'nil', 'iota', 'label_name', 'blank_identifier', 'dot', 'escape_sequence',
]; // prettier-ignore

/**
 * Statements and expressions whose children are expressions only: no declaration or
 * assignment can be inside one except in a function literal, which has a `{`.
 */
const PRUNABLE = [
  'return_statement', 'expression_statement', 'inc_statement', 'dec_statement',
  'send_statement', 'go_statement', 'defer_statement', 'index_expression', 'slice_expression',
  'type_assertion_expression', 'type_conversion_expression', 'variadic_argument',
]; // prettier-ignore

/** Kinds by node type name, for the named nodes the extractor handles. */
export const KIND_BY_NAME: ReadonlyMap<string, number> = new Map<string, number>([
  ...SKIPPED.map((name): [string, number] => [name, Kind.skip]),
  ...PRUNABLE.map((name): [string, number] => [name, Kind.prunable]),
  ['comment', Kind.comment],
  ['package_clause', Kind.packageClause],
  ['package_identifier', Kind.packageIdentifier],
  ['import_declaration', Kind.importDeclaration],
  ['import_spec_list', Kind.importSpecList],
  ['import_spec', Kind.importSpec],
  ['const_declaration', Kind.constDeclaration],
  ['var_declaration', Kind.varDeclaration],
  ['const_spec', Kind.constSpec],
  ['var_spec', Kind.varSpec],
  ['var_spec_list', Kind.varSpecList],
  ['function_declaration', Kind.functionDeclaration],
  ['method_declaration', Kind.methodDeclaration],
  ['identifier', Kind.identifier],
  ['field_identifier', Kind.fieldIdentifier],
  ['type_identifier', Kind.typeIdentifier],
  ['parameter_list', Kind.parameterList],
  ['parameter_declaration', Kind.parameterDeclaration],
  ['variadic_parameter_declaration', Kind.variadicParameterDeclaration],
  ['block', Kind.block],
  ['expression_list', Kind.expressionList],
  ['call_expression', Kind.callExpression],
  ['argument_list', Kind.argumentList],
  ['selector_expression', Kind.selectorExpression],
  ['interpreted_string_literal', Kind.stringLiteral],
  ['raw_string_literal', Kind.rawStringLiteral],
  ['binary_expression', Kind.binaryExpression],
  ['unary_expression', Kind.unaryExpression],
  ['parenthesized_expression', Kind.parenthesizedExpression],
  ['composite_literal', Kind.compositeLiteral],
  ['literal_value', Kind.literalValue],
  ['keyed_element', Kind.keyedElement],
  ['literal_element', Kind.literalElement],
  ['qualified_type', Kind.qualifiedType],
  ['short_var_declaration', Kind.shortVarDeclaration],
  ['assignment_statement', Kind.assignmentStatement],
  ['func_literal', Kind.funcLiteral],
  ['statement_list', Kind.statementList],
]);
