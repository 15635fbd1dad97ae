/**
 * DHL Packstation and Postfiliale addresses take parcels only, never letters or postcards
 * (https://www.dhl.de/de/privatkunden/pakete-empfangen/an-einem-abholort-empfangen/packstation.html).
 * They show up as "Packstation 123" / "Postfiliale 456" with a 6–10 digit Postnummer.
 */
const PARCEL_ONLY = /\b(?:pack\s*station|paket\s*station|post\s*filiale|filiale\s*direkt|paketshop)\b/i;

/** True when an address line names a parcel-only pickup point. */
export function isParcelOnlyLine(line: string): boolean {
  return PARCEL_ONLY.test(line);
}
