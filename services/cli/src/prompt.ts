// Reads one line from stdin: a key piped in, or a person's answer to a question asked on stderr.
import { createInterface } from "node:readline";

/** The first line on stdin ("" when stdin ends first); `question` is written to stderr first. */
export async function readLine(question?: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (question !== undefined) process.stderr.write(question);
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
    // Let the process end once the answer is in, even though stdin may still be open.
    process.stdin.unref?.();
  }
}
