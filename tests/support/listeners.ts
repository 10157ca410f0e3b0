import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { endianness } from 'node:os';

/** Listening TCP sockets as the Linux kernel reports them in /proc/net/tcp and /proc/net/tcp6. */

export interface Listener {
  address: string;
  port: number;
  inode: string;
}

/** The loopback addresses a listener may be bound to; anything else is reachable from outside. */
export const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

/** /proc/net/tcp* print an address as 32-bit words, each in the host's byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => {
    const octets = (word.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16));
    return endianness() === 'LE' ? octets.reverse() : octets;
  });
  if (bytes.length === 4) return bytes.join('.');
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  if (zeros(0, 15)) return `::${bytes[15] === 0 ? '' : bytes[15]}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** Every socket in LISTEN state, IPv4 and IPv6. */
export function listeners(): Listener[] {
  const found: Listener[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1] ?? '', fields[3], fields[9] ?? ''];
      if (state !== '0A') continue;
      const [address = '', port = ''] = local.split(':');
      found.push({ address: decodeAddress(address), port: Number.parseInt(port, 16), inode });
    }
  }
  return found;
}

/** The socket inodes the processes `pids` hold open. */
export function socketInodes(pids: readonly number[]): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // the process has ended
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) inodes.add(match[1]);
      } catch {
        // closed while we looked
      }
    }
  }
  return inodes;
}

/** The listening sockets held by the processes `pids`. */
export function listenersOf(pids: readonly number[]): Listener[] {
  const inodes = socketInodes(pids);
  return listeners().filter((listener) => inodes.has(listener.inode));
}
