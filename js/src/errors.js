import { ERROR_NAMES } from './codes.js';

/**
 * Every failure of a wasmtls connection.
 *   code   short stable name, the same as the native CLI prints after
 *          "error:" (certificate_expired, unknown_ca, alert_received,
 *          truncated, connect_failed, io_error, ...)
 *   alert  the TLS alert number sent or received, or null
 *   reason human-readable cause
 *   errno  the engine's numeric error code (0 for transport errors)
 */
export class TLSError extends Error {
  constructor(code, reason, errno = 0, alert = null) {
    super(`${code}: ${reason}`);
    this.name = 'TLSError';
    this.code = code;
    this.reason = reason;
    this.alert = alert;
    this.errno = errno;
  }
}

/** A TLSError that JS raises with one of the engine's local codes
 * (codes.js: ERR_BAD_CONFIG, ...), named as wt_error_name() names it. */
export function engineError(errno, reason) {
  return new TLSError(ERROR_NAMES[errno], reason, errno);
}

/** An option's value for an error message: never throws (JSON.stringify
 * does for a BigInt or a circular object). */
export function shown(v) {
  return typeof v === 'string' ? JSON.stringify(v) : v && typeof v === 'object' || typeof v === 'function' ? typeof v : String(v);
}
