/**
 * Splits one direction of a proxied WebSocket TCP stream into units the fault
 * proxy can drop frames without corrupting the byte stream: first the HTTP
 * upgrade head, then whole WebSocket frames (or raw bytes when the upgrade did
 * not succeed). Dropping whole frames keeps the framing valid for the peer, so
 * forwarding can resume after a blackhole.
 */

/** One unit of a proxied stream. */
export type StreamUnit =
  | { kind: 'http'; bytes: Buffer; head: string }
  | { kind: 'frame'; bytes: Buffer; opcode: number }
  | { kind: 'raw'; bytes: Buffer };

/** WebSocket opcode of a close frame. */
export const OPCODE_CLOSE = 0x8;

const HEADER_END = Buffer.from('\r\n\r\n');
/** Past this many bytes without an HTTP head end, stop parsing and pass bytes through. */
const MAX_HEAD_BYTES = 64 * 1024;

export class WsStreamSplitter {
  private mode: 'http' | 'frames' | 'raw' = 'http';
  /** Pending bytes as a chunk list (no copying until a whole unit is there): chunks[first..]. */
  private chunks: Buffer[] = [];
  private first = 0;
  private size = 0;
  /** Size of the frame being collected, once its header is known (0 = unknown). */
  private need = 0;

  /**
   * @param direction `c2s`: after the request head come frames. `s2c`: after the
   *   response head come frames only if the status is 101, otherwise raw bytes.
   */
  constructor(private readonly direction: 'c2s' | 's2c') {}

  /** Feeds a chunk; returns the complete units it finished (possibly none). */
  push(chunk: Buffer): StreamUnit[] {
    if (this.mode === 'raw') return [{ kind: 'raw', bytes: chunk }];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
    const units: StreamUnit[] = [];
    // Each iteration consumes a unit or returns, so this is bounded by the bytes pending.
    for (;;) {
      if (this.mode === 'http') {
        const pending = this.peek(this.size);
        const end = pending.indexOf(HEADER_END);
        if (end === -1) {
          if (this.size > MAX_HEAD_BYTES) return this.toRaw(units);
          return units;
        }
        const bytes = this.take(end + HEADER_END.length);
        const head = bytes.toString('latin1');
        units.push({ kind: 'http', bytes, head });
        const upgraded = this.direction === 'c2s' || /^HTTP\/1\.[01] 101 /.test(head);
        if (!upgraded) return this.toRaw(units);
        this.mode = 'frames';
        continue;
      }
      // mode === 'frames': a frame header is at most 14 bytes.
      if (this.need === 0) this.need = frameSize(this.peek(14)) ?? 0;
      if (this.need === 0 || this.size < this.need) return units;
      const bytes = this.take(this.need);
      this.need = 0;
      units.push({ kind: 'frame', bytes, opcode: (bytes[0] ?? 0) & 0x0f });
    }
  }

  private toRaw(units: StreamUnit[]): StreamUnit[] {
    this.mode = 'raw';
    if (this.size > 0) units.push({ kind: 'raw', bytes: this.take(this.size) });
    return units;
  }

  /** The first min(n, size) pending bytes, without consuming them. */
  private peek(n: number): Buffer {
    const parts: Buffer[] = [];
    let got = 0;
    for (let i = this.first; i < this.chunks.length && got < n; i++) {
      const c = this.chunks[i] as Buffer;
      parts.push(c);
      got += c.length;
    }
    const joined = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    return joined.length > n ? joined.subarray(0, n) : joined;
  }

  /** Removes and returns the first n pending bytes (n <= size). */
  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let rem = n;
    while (rem > 0) {
      const c = this.chunks[this.first] as Buffer;
      if (c.length <= rem) {
        parts.push(c);
        rem -= c.length;
        this.first++;
      } else {
        parts.push(c.subarray(0, rem));
        this.chunks[this.first] = c.subarray(rem);
        rem = 0;
      }
    }
    this.size -= n;
    if (this.first > 64 || this.first === this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
  }
}

/** Total size of the frame at the start of `buf`, or undefined if its header is incomplete. */
function frameSize(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  const b1 = buf[1] ?? 0;
  const masked = (b1 & 0x80) !== 0;
  let len = b1 & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  return offset + (masked ? 4 : 0) + len;
}
