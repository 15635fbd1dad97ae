export { conditionFields, fieldsNamedBy, isFlagSet, mergeFields, type NamedFields } from './fields.js';
export { changedValues, firstAssociated, type RecipientSource, recipientsFor, recordReader } from './read.js';
export type * from './types.js';
