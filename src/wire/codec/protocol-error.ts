/**
 * A malformed, truncated or oversized frame. The connection answers it with
 * FATAL 08P01 and closes; the decoder never throws anything else.
 */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}
