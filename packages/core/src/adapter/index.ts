export { conditionFields, fieldsNamedBy, isFlagSet, mergeFields, type NamedFields } from './fields.js';
export { changedValues, firstAssociated, type RecipientSource, recipientsFor, recordReader } from './read.js';
export {
  associatedRecipients,
  associationLinks,
  primaryOrFirst,
  recipientsOf,
} from './select.js';
export type * from './types.js';
