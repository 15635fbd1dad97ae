export { conditionFields, fieldsNamedBy, isFlagSet, mergeFields, type NamedFields } from './fields.js';
export { changedValues, firstAssociated, recordReader } from './read.js';
export type * from './types.js';
