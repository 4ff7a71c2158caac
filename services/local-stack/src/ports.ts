// Starting the embedded servers with a clear message when their port is taken, instead of a stack trace.
export async function listenOrExit<T>(
  what: string,
  variable: string,
  port: number,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      process.stderr.write(
        `haymaker: port ${port} for the ${what} is in use (is HayMaker already running?). Stop it, or set ${variable} to another port (0 picks a free one).\n`,
      );
      process.exit(1);
    }
    throw error;
  }
}

/** Waits until the gateway answers its health route, so "running" is only printed when it is true. */
export async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** A free loopback port for a child process to listen on, when the operator asked for any (0). */
export async function choosePort(port: number): Promise<number> {
  if (port !== 0) return port;
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}
