/**
 * HubSpot decodes exactly these percent-sequences in the URL before computing a v3
 * signature — nothing else (`%20` stays encoded).
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests#validate-the-v3-request-signature
 */
const V3_DECODED_SEQUENCES: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

const V3_SEQUENCE_PATTERN = /%(?:3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/g;

/**
 * The URL string HubSpot signs for v3: the twelve documented sequences decoded, the rest untouched.
 *
 * @example
 * decodeV3Url('https://hooks.example.com/a%3Ab%20c'); // 'https://hooks.example.com/a:b%20c'
 */
export function decodeV3Url(url: string): string {
  return url.replace(V3_SEQUENCE_PATTERN, (sequence) => V3_DECODED_SEQUENCES[sequence] ?? sequence);
}

/**
 * Joins the configured public base URL with the path and query the request arrived on.
 * Behind a proxy the `Host` header is not what HubSpot called, so the base is configuration.
 *
 * @example
 * joinPublicUrl('https://hooks.example.com/', '/webhooks/hubspot?x=1'); // 'https://hooks.example.com/webhooks/hubspot?x=1'
 */
export function joinPublicUrl(publicUrl: string, pathAndQuery: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const rest = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
  return `${base}${rest}`;
}
