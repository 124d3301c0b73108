/**
 * Template metadata every Ward function carries so the local runtime can run the function's
 * source (the module NodejsFunction bundles) instead of the bundle: the entry path relative
 * to the repository root, and the exported handler's name.
 */
export const FUNCTION_ENTRY_METADATA = 'ward:entry';
export const FUNCTION_HANDLER_METADATA = 'ward:handler';
