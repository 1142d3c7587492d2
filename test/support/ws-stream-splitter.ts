/**
 * Splits one direction of a proxied WebSocket TCP stream into units the fault proxy can drop
 * without corrupting the byte stream: first the HTTP upgrade head, then whole WebSocket frames
 * (or raw bytes when the upgrade did not succeed). Dropping whole frames keeps the framing valid
 * for the peer, so forwarding can resume after a blackhole.
 */

/** One unit of a proxied stream. */
export type StreamUnit =
  | { kind: 'http'; bytes: Buffer; head: string }
  | { kind: 'frame'; bytes: Buffer; opcode: number }
  | { kind: 'raw'; bytes: Buffer };

/** WebSocket opcode of a close frame. */
export const OPCODE_CLOSE = 0x8;

/** Past this many bytes without an HTTP head end, stop parsing and pass bytes through. */
const MAX_HEAD_BYTES = 64 * 1024;

export class WsStreamSplitter {
  private mode: 'http' | 'frames' | 'raw' = 'http';
  private chunks: Buffer[] = [];
  private size = 0;
  /** Size of the frame being collected, once its header is in (0: not known yet). */
  private need = 0;

  /**
   * @param direction `c2s`: after the request head come frames. `s2c`: after the
   *   response head come frames only if the status is 101, otherwise raw bytes.
   */
  constructor(private readonly direction: 'c2s' | 's2c') {}

  /** Feeds a chunk; returns the complete units it finished (possibly none). */
  push(chunk: Buffer): StreamUnit[] {
    if (this.mode === 'raw') return [{ kind: 'raw', bytes: chunk }];
    this.chunks.push(chunk);
    this.size += chunk.length;
    const units: StreamUnit[] = [];
    // Pending bytes are joined only when a unit may be complete: a big frame in small chunks is copied once.
    while (this.size > 0 && this.size >= this.need) {
      const pending = Buffer.concat(this.chunks, this.size);
      this.chunks = [pending];
      if (this.mode === 'frames') {
        this.need ||= frameSize(pending);
        if (this.need === 0 || this.size < this.need) break;
        units.push({ kind: 'frame', bytes: this.take(this.need), opcode: pending[0]! & 0x0f });
        this.need = 0;
        continue;
      }
      const end = pending.indexOf('\r\n\r\n');
      if (end === -1 && this.size <= MAX_HEAD_BYTES) break;
      if (end !== -1) {
        const bytes = this.take(end + 4);
        const head = bytes.toString('latin1');
        units.push({ kind: 'http', bytes, head });
        if (this.direction === 'c2s' || /^HTTP\/1\.[01] 101 /.test(head)) {
          this.mode = 'frames';
          continue;
        }
      }
      this.mode = 'raw';
      if (this.size > 0) units.push({ kind: 'raw', bytes: this.take(this.size) });
    }
    return units;
  }

  /** Removes and returns the first n pending bytes (the pending bytes are one chunk here). */
  private take(n: number): Buffer {
    const [pending] = this.chunks as [Buffer];
    this.chunks = [pending.subarray(n)];
    this.size -= n;
    return pending.subarray(0, n);
  }
}

/** Total size of the frame at the start of `buf`, or 0 while its header is incomplete. */
function frameSize(buf: Buffer): number {
  if (buf.length < 2) return 0;
  const masked = (buf[1]! & 0x80) !== 0;
  const len = buf[1]! & 0x7f;
  const offset = len === 126 ? 4 : len === 127 ? 10 : 2;
  if (buf.length < offset) return 0;
  const payload = len === 126 ? buf.readUInt16BE(2) : len === 127 ? Number(buf.readBigUInt64BE(2)) : len;
  return offset + (masked ? 4 : 0) + payload;
}
