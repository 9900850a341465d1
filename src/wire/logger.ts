/** The slice of a pino logger the wire uses. */
export interface WireLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLogger: WireLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
};
