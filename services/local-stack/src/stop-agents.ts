// On Ctrl+C, running agents are asked to stop first: each tears down what it made while the sandbox cloud
// and the bus are still up. After a restart, monitor finds them ended and cleanup runs as for any agent.
import { parseIsoDuration } from "@haymaker/contracts";
import { ProcessRuntime } from "@haymaker/runtime";

export async function stopAgents(
  directory: string,
  grace: string,
  write: (line: string) => void,
): Promise<void> {
  const runtime = new ProcessRuntime({ directory, command: process.execPath, args: [] });
  const running = await runtime.running();
  if (running.length === 0) return;
  write(`stopping ${running.length} running agent(s); each cleans up first (up to ${grace})`);
  await Promise.all(running.map((ref) => runtime.stop(ref)));
  // The supervisors kill what is still running after the grace period; wait a little longer than that.
  const until = Date.now() + (parseIsoDuration(grace) ?? 30_000) + 5_000;
  while (Date.now() < until && (await runtime.running()).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
