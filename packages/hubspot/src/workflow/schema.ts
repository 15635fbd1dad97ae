import { z } from 'zod';

const id = z.union([z.number().int(), z.string().min(1)]);
const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * The body HubSpot POSTs to a custom workflow action's `actionUrl`.
 * https://developers.hubspot.com/docs/api/automation/custom-workflow-actions#execution
 */
export const workflowActionRequestSchema = z.looseObject({
  callbackId: z.string().min(1),
  origin: z.looseObject({
    portalId: id,
    actionDefinitionId: id.optional(),
    actionDefinitionVersion: z.number().int().optional(),
    actionExecutionIndexIdentifier: z.unknown().optional(),
  }),
  context: z.looseObject({ source: z.string().optional(), workflowId: id.optional() }).optional(),
  object: z.looseObject({
    objectId: id,
    objectType: z.string().min(1),
    properties: z.record(z.string(), fieldValue).optional(),
  }),
  inputFields: z.record(z.string(), z.unknown()).optional(),
});

export type WorkflowActionRequest = z.infer<typeof workflowActionRequestSchema>;
