import { type CrmEvent, type CrmProperties, changedValues, isFlagSet } from '@hookpost/core';

/**
 * The Lead fields that tell a conversion: `IsConverted` turns true and `ConvertedContactId`
 * names the Contact the Lead became (a new one, or an existing one the Lead was merged into).
 * A converted Lead stays readable (read-only) with these fields set.
 * Source: https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_standard_objects_lead_conversion.htm
 * and https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_lead.htm
 */
export const LEAD_CONVERSION_FIELDS = ['IsConverted', 'ConvertedContactId'] as const;

/**
 * The Contact a converted Lead became, read from a Lead's fields (an outbound-message snapshot,
 * a CDC change, a REST read); undefined while the Lead is not converted. Outbound messages and
 * REST reads carry the checkbox as `'true'`, CDC as `true`.
 */
export function convertedContactOf(lead: CrmProperties | undefined): string | undefined {
  if (!lead || !isFlagSet(lead.IsConverted)) return undefined;
  const contactId = lead.ConvertedContactId;
  return typeof contactId === 'string' && contactId !== '' ? contactId : undefined;
}

/**
 * The Contact an event's Lead was converted into, when the event itself tells it (the
 * LeadChangeEvent `UPDATE` of a conversion, or a Lead outbound message with the conversion
 * fields selected); undefined for any other event.
 */
export function conversionOf(event: CrmEvent): string | undefined {
  if (event.objectType !== 'lead' || event.kind === 'deleted' || event.kind === 'privacy_deleted')
    return undefined;
  return convertedContactOf({ ...event.properties, ...changedValues(event) });
}
