// Whether a URL stays on this machine. Decided on the WHATWG-parsed host, never on the text: the parser
// already turns `0x7f.1`, `LOCALHOST` and `127.0.0.1.` into their one spelling, and it is what fetch
// connects to, so `127.0.0.1.evil.com` or `localhost@evil.com` cannot pass for this machine.

/** 127.0.0.0/8, ::1 and `localhost`. Not 0.0.0.0 and not IPv4-mapped IPv6 (`[::ffff:…]`): neither is
 * loopback by definition, whatever a given system happens to connect them to. */
export function isLoopbackHost(hostname: string): boolean {
  // The parser prints an IPv4 host as four decimal numbers, so this is exactly 127.0.0.0/8.
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** True for an http (not https) URL to another machine: a key sent there crosses the network readable. */
export function isPlainHttpElsewhere(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed?.protocol === "http:" && !isLoopbackHost(parsed.hostname);
}
