/**
 * Random bytes for what each request needs a little of (a page's CSP nonce, a ballot's receipt):
 * drawn from the system's generator a kilobyte at a time, and each byte handed out once. One call
 * into OpenSSL per page was 0.8 % of a page's CPU, one per ballot about 1.5 % of a ballot's
 * (profiles of 2026-12-04); Node's own randomUUID keeps a batch the same way.
 *
 * A draw is a view of the pool, never copied: a pool is never written again once drawn (the next
 * one is a new buffer), so what one caller holds cannot change under it.
 */
import { randomBytes } from "node:crypto";

const POOL_BYTES = 1024;
let pool = Buffer.alloc(0);
let used = 0;

/** `n` bytes from the system's generator that no other call was given. */
export function freshRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES / 4) return randomBytes(n);
  if (used + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  used += n;
  return pool.subarray(used - n, used);
}
