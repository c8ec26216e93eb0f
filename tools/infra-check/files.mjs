// What the checks need of files: whether one exists, and the line a finding points at.
import { stat } from 'node:fs/promises';

/** Whether a file or folder exists. */
export async function exists(file) {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** The 1-based line of the first occurrence of needle in text, or 1. */
export function lineOf(text, needle) {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}
