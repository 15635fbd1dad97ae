/** Incoming headers as Node gives them (lower-case names) or any record of names to values. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads one header case-insensitively; a repeated header yields its first value. */
export function readHeader(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const direct = headers[wanted];
  const value = direct ?? Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}
