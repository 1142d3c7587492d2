/**
 * Splits one direction of a proxied WebSocket TCP stream into units the fault
 * proxy can drop or delay without corrupting the byte stream: first the HTTP
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
  private pending: Buffer = Buffer.alloc(0);

  /**
   * @param direction `c2s`: after the request head come frames. `s2c`: after the
   *   response head come frames only if the status is 101, otherwise raw bytes.
   */
  constructor(private readonly direction: 'c2s' | 's2c') {}

  /** Feeds a chunk; returns the complete units it finished (possibly none). */
  push(chunk: Buffer): StreamUnit[] {
    if (this.mode === 'raw') return [{ kind: 'raw', bytes: chunk }];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const units: StreamUnit[] = [];
    // Each iteration consumes at least one byte or returns, so this is bounded by the chunk size.
    for (;;) {
      if (this.mode === 'http') {
        const end = this.pending.indexOf(HEADER_END);
        if (end === -1) {
          if (this.pending.length > MAX_HEAD_BYTES) return this.toRaw(units);
          return units;
        }
        const bytes = this.pending.subarray(0, end + HEADER_END.length);
        const head = bytes.toString('latin1');
        this.pending = this.pending.subarray(bytes.length);
        units.push({ kind: 'http', bytes, head });
        const upgraded = this.direction === 'c2s' || /^HTTP\/1\.[01] 101 /.test(head);
        if (!upgraded) return this.toRaw(units);
        this.mode = 'frames';
        continue;
      }
      // mode === 'frames'
      const size = frameSize(this.pending);
      if (size === undefined || this.pending.length < size) return units;
      const bytes = this.pending.subarray(0, size);
      this.pending = this.pending.subarray(size);
      units.push({ kind: 'frame', bytes, opcode: (bytes[0] ?? 0) & 0x0f });
    }
  }

  private toRaw(units: StreamUnit[]): StreamUnit[] {
    this.mode = 'raw';
    if (this.pending.length > 0) units.push({ kind: 'raw', bytes: this.pending });
    this.pending = Buffer.alloc(0);
    return units;
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
