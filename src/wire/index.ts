export { makeUserCredentials } from "./auth/credentials.ts";
export { makeScramVerifier } from "./auth/scram.ts";
export type { WireLogger } from "./logger.ts";
export { startWireServer, type WireServer, type WireServerOptions } from "./server.ts";
