import { type SignedV3Headers, signRequestV3 } from '../signature/sign.js';

/**
 * Test helper: the headers HubSpot would send for this request, signed v3.
 *
 * @example
 * await request(app).post('/webhooks/hubspot').set(signV3({ secret, method: 'POST', url, body })).send(body);
 */
export function signV3(options: {
  secret: string;
  method: string;
  url: string;
  body: string | Uint8Array;
  timestamp?: number;
}): SignedV3Headers {
  return signRequestV3({
    clientSecret: options.secret,
    method: options.method,
    url: options.url,
    body: options.body,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
}
