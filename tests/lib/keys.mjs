// crypto.generateKeyPairSync for tests that then export the keys.
//
// Node 20 can deadlock in KeyObject.export() of a freshly generated key: a
// garbage collection during the export (it allocates JS strings while it
// holds the key's lock) may run the destructor of the key's generation
// job, which takes the same lock. Seen once: tests/crypto.test.mjs hung
// in make test's ASan pass (gdb: ExportJWK -> GC -> ~KeyGenJob ->
// uv_mutex_lock). Here the pair comes out of the job already DER-encoded
// and is imported again, so the key objects share no lock with the job.
import crypto from 'node:crypto';

export function keyPair(type, opts = {}) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, {
    ...opts,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return {
    publicKey: crypto.createPublicKey({ key: publicKey, format: 'der', type: 'spki' }),
    privateKey: crypto.createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' }),
  };
}
