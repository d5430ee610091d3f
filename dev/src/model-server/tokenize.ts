/**
 * Splits text into word-ish tokens that keep their whitespace, so the pieces concatenate to exactly the
 * original text (tests compare what the platform shows with the scripted text character for character).
 */
export function tokenize(text: string): string[] {
  if (text.length === 0) return [];
  return text.match(/\s*\S+\s*/g) ?? [text];
}

/**
 * Cuts tool-call arguments into small pieces the way providers stream them, so clients must reassemble
 * JSON across chunks. Splits on code points so no surrogate pair is torn apart.
 */
export function splitArguments(args: string, size = 8): string[] {
  const chars = Array.from(args);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(""));
  return pieces;
}
