// ANSI colour for people at a terminal: Terminal.colour is false when stdout is not a TTY or NO_COLOR is
// set, and then every function here returns its text unchanged.
import type { Terminal } from "./output.ts";

const CODES = { red: [31, 39], yellow: [33, 39], green: [32, 39], dim: [2, 22], bold: [1, 22] } as const;
export type Colour = keyof typeof CODES;

export function paint(terminal: Terminal, colour: Colour, text: string): string {
  if (!terminal.colour) return text;
  const [on, off] = CODES[colour];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

const LEVEL_COLOURS: Record<string, Colour> = { error: "red", warn: "yellow", info: "green", debug: "dim" };

/** ERROR, WARN, INFO, DEBUG padded to one width, coloured by severity on a terminal. */
export function levelText(terminal: Terminal, level: string): string {
  const text = level.toUpperCase().padEnd(5);
  const colour = LEVEL_COLOURS[level.toLowerCase()];
  return colour === undefined ? text : paint(terminal, colour, text);
}
