import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
}

// Generating a key pair takes a noticeable moment; every simulator in a process shares one,
// like every port of one TV shares the cert under /usr/share/msf-server/certificates/ (§1.4).
let cached: Promise<TlsMaterial> | undefined;

/** The self-signed certificate of the "8002" role, made once per process. */
export function tvCertificate(): Promise<TlsMaterial> {
  cached ??= generate([{ name: 'commonName', value: 'SmartViewSDK' }], {
    keyType: 'ec',
    curve: 'P-256',
  }).then(
    (pems) => ({ key: pems.private, cert: pems.cert }),
    (err: unknown) => {
      cached = undefined;
      throw err;
    },
  );

  return cached;
}
